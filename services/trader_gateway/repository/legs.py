"""Legs (the view fed by sourcing), and the fills and declines booked against them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

import asyncpg

from services.trader_gateway.domain import (
    DeclineAccepted,
    FillAccepted,
    Leg,
    LegKind,
    LegStatus,
    Tier,
    Unit,
)
from shared.contracts import LegRouted
from shared.db import Connection

# "active": open or partly filled, and before the deadline: what a trader can still act on.
StatusFilter = Literal[
    "active", "open", "partially_filled", "filled", "declined", "cancelled", "expired", "all"
]

_COLUMNS = (
    "leg_id, order_id, trader_id, manufacturer_id, mineral, market, unit, quantity, "
    "filled_quantity, limit_price, deadline, status, kind, offer_id, tier, origin_country, "
    "warehouse_id, tier_preference, phase, policy_version, routed_at, updated_at"
)
_OPEN = "status IN ('open', 'partially_filled')"
# The status a trader sees: an open leg past its deadline is expired, whatever sourcing
# has or has not said yet (sourcing owns the cascade; the gateway only stops fills).
_EFFECTIVE = {
    "active": f"{_OPEN} AND deadline >= now()",
    "open": "status = 'open' AND deadline >= now()",
    "partially_filled": "status = 'partially_filled' AND deadline >= now()",
    "expired": f"({_OPEN} AND deadline < now()) OR status = 'expired'",
    "filled": "status = 'filled'",
    "declined": "status = 'declined'",
    "cancelled": "status = 'cancelled'",
    "all": "true",
}


@dataclass(frozen=True, slots=True)
class LegRecord:
    """A stored leg: the domain's leg plus what the view shows beside it."""

    leg: Leg
    manufacturer_id: str
    market: str
    offer_id: str | None
    tier: str | None
    origin_country: str | None
    warehouse_id: str | None
    phase: str
    policy_version: str
    routed_at: datetime
    updated_at: datetime

    def status_at(self, now: datetime) -> LegStatus:
        # As the fill check has it: at the deadline itself a fill is still on time.
        if self.leg.is_open and now > self.leg.deadline:
            return LegStatus.EXPIRED
        return self.leg.status


def _record(row: asyncpg.Record) -> LegRecord:
    leg = Leg(
        leg_id=row["leg_id"],
        order_id=row["order_id"],
        trader_id=row["trader_id"],
        mineral=row["mineral"],
        unit=Unit(row["unit"]),
        quantity=row["quantity"],
        filled_quantity=row["filled_quantity"],
        limit_price=row["limit_price"],
        deadline=row["deadline"],
        status=LegStatus(row["status"]),
        tier_preference=tuple(Tier(t) for t in row["tier_preference"]),
        kind=LegKind(row["kind"]),
        routed_at=row["routed_at"],
    )
    return LegRecord(
        leg=leg,
        manufacturer_id=row["manufacturer_id"],
        market=row["market"],
        offer_id=row["offer_id"],
        tier=row["tier"],
        origin_country=row["origin_country"],
        warehouse_id=row["warehouse_id"],
        phase=row["phase"],
        policy_version=row["policy_version"],
        routed_at=row["routed_at"],
        updated_at=row["updated_at"],
    )


async def insert_routed(
    conn: Connection, routed: LegRouted, limit_price: Decimal | None, routed_at: datetime
) -> bool:
    """Store a newly routed leg; False if it was already known (a re-sent event)."""
    inserted = await conn.fetchval(
        "INSERT INTO legs (leg_id, order_id, trader_id, manufacturer_id, mineral, market, unit, "
        "quantity, limit_price, deadline, status, kind, offer_id, tier, origin_country, "
        "warehouse_id, tier_preference, phase, policy_version, routed_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $15, $16, "
        "$17, $18, $19) ON CONFLICT (leg_id) DO NOTHING RETURNING true",
        routed.leg_id,
        routed.order_id,
        routed.trader_id,
        routed.manufacturer_id,
        routed.mineral,
        routed.market,
        routed.quantity.unit,
        routed.quantity.amount,
        limit_price,
        routed.deadline,
        routed.kind,
        routed.offer_id,
        routed.tier,
        routed.origin_country,
        routed.warehouse_id,
        list(routed.tier_preference),
        routed.phase,
        routed.policy_version,
        routed_at,
    )
    return bool(inserted)


async def cancel(conn: Connection, leg_id: str, trader_id: str) -> str | None:
    """Cancel an open leg; returns the status it has afterwards (None if unknown)."""
    row = await conn.fetchrow(
        "SELECT status FROM legs WHERE leg_id = $1 AND trader_id = $2 FOR UPDATE",
        leg_id,
        trader_id,
    )
    if row is None:
        return None
    if row["status"] not in ("open", "partially_filled"):
        return str(row["status"])
    await conn.execute(
        "UPDATE legs SET status = 'cancelled', updated_at = now() WHERE leg_id = $1", leg_id
    )
    return "cancelled"


async def get(conn: Connection, leg_id: str, trader_id: str) -> LegRecord | None:
    """One of the trader's legs; another trader's leg reads as missing."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM legs WHERE leg_id = $1 AND trader_id = $2", leg_id, trader_id
    )
    return None if row is None else _record(row)


async def lock(conn: Connection, leg_ids: Sequence[str], trader_id: str) -> dict[str, LegRecord]:
    """Lock the trader's legs among ``leg_ids`` until the transaction ends.

    Every fill and decline goes through here, so concurrent writers of one leg queue
    on its row: each sees the quantity the previous one left (no over-fill), and
    their events enter the outbox in the order they were booked. Rows are locked in
    id order, so two batches naming the same legs cannot deadlock.
    """
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM legs WHERE leg_id = ANY($1::text[]) AND trader_id = $2 "
        "ORDER BY leg_id FOR UPDATE",
        sorted(set(leg_ids)),
        trader_id,
    )
    return {row["leg_id"]: _record(row) for row in rows}


async def page(
    conn: Connection,
    trader_id: str,
    *,
    status: StatusFilter,
    mineral: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[LegRecord]:
    """The trader's legs by deadline (soonest first), then id; keyset-paginated."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM legs WHERE trader_id = $1 AND ({_EFFECTIVE[status]}) "
        "AND ($2::text IS NULL OR mineral = $2) "
        "AND ($3::timestamptz IS NULL OR (deadline, leg_id) > ($3, $4)) "
        "ORDER BY deadline, leg_id LIMIT $5",
        trader_id,
        mineral,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [_record(row) for row in rows]


async def record_fill(
    conn: Connection, fill_id: str, fill: FillAccepted, after: Leg, event_id: uuid.UUID
) -> None:
    await conn.execute(
        "INSERT INTO fills (fill_id, leg_id, order_id, trader_id, mineral, unit, quantity, "
        "unit_price, origin_country, warehouse_id, lot_reference, filled_at, event_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        fill_id,
        fill.leg_id,
        fill.order_id,
        fill.trader_id,
        fill.mineral,
        fill.unit.value,
        fill.quantity,
        fill.unit_price,
        fill.origin_country,
        fill.warehouse_id,
        fill.lot_reference,
        fill.filled_at,
        event_id,
    )
    await _save_state(conn, after)


async def record_decline(
    conn: Connection, decline: DeclineAccepted, after: Leg, event_id: uuid.UUID
) -> None:
    await conn.execute(
        "INSERT INTO declines (leg_id, order_id, trader_id, unit, quantity, reason, event_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        decline.leg_id,
        decline.order_id,
        decline.trader_id,
        decline.unit.value,
        decline.declined_quantity,
        decline.reason,
        event_id,
    )
    await _save_state(conn, after)


async def _save_state(conn: Connection, leg: Leg) -> None:
    await conn.execute(
        "UPDATE legs SET filled_quantity = $2, status = $3, updated_at = now() WHERE leg_id = $1",
        leg.leg_id,
        leg.filled_quantity,
        leg.status.value,
    )
