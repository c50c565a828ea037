"""Treasury learns money facts from their owners' events and never refuses them: legs and
their terms (sourcing), fills and closings (the gateway), the alternatives a decision
passed over and the tier a fill was bought under (sourcing), lots (inventory)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog

from services.treasury.repository import learnt
from services.treasury.repository.learnt import FillRow, LegRow, LotRow
from shared.contracts import (
    FillConfirmed,
    FillRecorded,
    HoldingsUpdated,
    LegClosed,
    LegRouted,
    OrderStatusChanged,
)
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def legs_routed(conn: Connection, events: Sequence[Envelope[LegRouted]]) -> None:
    await learnt.insert_legs(
        conn,
        [
            LegRow(
                leg_id=e.payload.leg_id,
                order_id=e.payload.order_id,
                mineral=e.payload.mineral,
                trader_id=e.payload.trader_id,
                tier=None if e.payload.tier is None else str(e.payload.tier),
                quantity=e.payload.quantity.amount,
                unit=e.payload.quantity.unit,
                limit_price=None if e.payload.limit_price is None else e.payload.limit_price.amount,
                routed_at=e.occurred_at,
            )
            for e in events
        ],
    )


async def legs_closed(conn: Connection, events: Sequence[Envelope[LegClosed]]) -> None:
    await learnt.insert_closings(
        conn, [(e.payload.leg_id, e.payload.reason, e.payload.closed_at) for e in events]
    )


async def fills_confirmed(conn: Connection, events: Sequence[Envelope[FillConfirmed]]) -> None:
    await learnt.insert_fills(
        conn,
        [
            FillRow(
                fill_id=f.fill_id,
                leg_id=f.leg_id,
                order_id=f.order_id,
                trader_id=f.trader_id,
                mineral=f.mineral,
                quantity=f.quantity.amount,
                unit=f.quantity.unit,
                unit_price=f.unit_price.amount,
                origin_country=f.origin_country,
                warehouse_id=f.warehouse_id,
                filled_at=f.filled_at,
            )
            for f in (e.payload for e in events)
        ],
    )


async def fills_recorded(conn: Connection, events: Sequence[Envelope[FillRecorded]]) -> None:
    await learnt.insert_tiers(conn, [(e.payload.fill_id, str(e.payload.tier)) for e in events])


async def decisions(conn: Connection, events: Sequence[Envelope[OrderStatusChanged]]) -> None:
    """The best allied price each decision passed over, for the legs it routed."""
    alternatives = []
    for event in events:
        for leg_id, price in passed_over(event.payload.explanation):
            alternatives.append((leg_id, event.payload.order_id, price))
    await learnt.insert_alternatives(conn, alternatives)


def passed_over(explanation: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """(leg id, best allied price) for each leg a decision record routed, if it had one."""
    raw = explanation.get("best_allied_price")
    if raw is None:
        return []
    try:
        price = Decimal(str(raw))
    except InvalidOperation:
        log.warning("decision_price_unreadable", best_allied_price=str(raw))
        return []
    legs = explanation.get("legs") or []
    return [
        (str(leg["leg_id"]), price) for leg in legs if isinstance(leg, dict) and leg.get("leg_id")
    ]


async def holdings_updated(conn: Connection, events: Sequence[Envelope[HoldingsUpdated]]) -> None:
    """Each (lot, warehouse) at the balance its latest movement in the batch left."""
    latest: dict[tuple[str, str], LotRow] = {}
    for event in events:
        h = event.payload
        key = (h.lot_id, h.warehouse_id)
        held = latest.get(key)
        latest[key] = LotRow(
            lot_id=h.lot_id,
            warehouse_id=h.warehouse_id,
            mineral=h.mineral,
            unit=h.unit,
            balance=h.balance,
            fill_id=h.fill_id if h.kind == "receipt" else (held.fill_id if held else None),
        )
    await learnt.set_lot_balances(conn, list(latest.values()))
