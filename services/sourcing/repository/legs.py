"""Legs and the fills recorded against them, in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg

from services.sourcing.domain import Phase, Tier
from services.sourcing.state import LegState, LegStatus
from shared.contracts import FillConfirmed
from shared.db import Connection

_SELECT = """
    SELECT l.leg_id, l.order_id, l.sequence, l.kind, l.trader_id, l.mineral, l.market, l.quantity,
           l.unit_price, l.filled, l.status, l.phase, l.policy_version, l.deadline, o.deliver_by,
           l.offer_id, l.tier, l.origin_country, l.warehouse_id, l.available_on,
           l.tier_preference, l.excluded_origins, l.cascaded_from
    FROM legs l JOIN orders o USING (order_id)
"""


def leg_of(row: asyncpg.Record) -> LegState:
    return LegState(
        leg_id=row["leg_id"],
        order_id=row["order_id"],
        sequence=row["sequence"],
        kind=row["kind"],
        trader_id=row["trader_id"],
        mineral=row["mineral"],
        market=row["market"],
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        filled=row["filled"],
        status=row["status"],
        phase=Phase(row["phase"]),
        policy_version=row["policy_version"],
        deadline=row["deadline"],
        deliver_by=row["deliver_by"],
        offer_id=row["offer_id"],
        tier=None if row["tier"] is None else Tier(row["tier"]),
        origin_country=row["origin_country"],
        warehouse_id=row["warehouse_id"],
        available_on=row["available_on"],
        tier_preference=tuple(Tier(t) for t in row["tier_preference"]),
        excluded_origins=frozenset(row["excluded_origins"]),
        cascaded_from=row["cascaded_from"],
    )


async def insert(conn: Connection, legs: Sequence[LegState]) -> None:
    if not legs:
        return
    await conn.executemany(
        """
        INSERT INTO legs (leg_id, order_id, sequence, kind, trader_id, mineral, market, quantity,
                          unit_price, status, offer_id, tier, origin_country, warehouse_id,
                          available_on, tier_preference, excluded_origins, phase, policy_version,
                          deadline, cascaded_from)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $12, $13, $14, $15, $16,
                $17, $18, $19, $20)
        """,
        [
            (
                leg.leg_id,
                leg.order_id,
                leg.sequence,
                leg.kind,
                leg.trader_id,
                leg.mineral,
                leg.market,
                leg.quantity,
                leg.unit_price,
                leg.offer_id,
                leg.tier,
                leg.origin_country,
                leg.warehouse_id,
                leg.available_on,
                list(leg.tier_preference),
                sorted(leg.excluded_origins),
                leg.phase,
                leg.policy_version,
                leg.deadline,
                leg.cascaded_from,
            )
            for leg in legs
        ],
    )


async def get(conn: Connection, leg_id: str) -> LegState | None:
    row = await conn.fetchrow(_SELECT + " WHERE l.leg_id = $1", leg_id)
    return None if row is None else leg_of(row)


async def close(
    conn: Connection, leg_id: str, status: LegStatus, reason: str, at: datetime
) -> None:
    await conn.execute(
        "UPDATE legs SET status = $2, closed_reason = $3, closed_at = $4 "
        "WHERE leg_id = $1 AND status = 'open'",
        leg_id,
        status,
        reason,
        at,
    )


async def add_filled(conn: Connection, leg_id: str, quantity: Decimal, at: datetime) -> None:
    """Count a fill on its leg; a leg whose whole quantity is filled closes as filled."""
    await conn.execute(
        """
        UPDATE legs SET filled = filled + $2,
            status = CASE WHEN filled + $2 = quantity THEN 'filled' ELSE status END,
            closed_at = CASE WHEN filled + $2 = quantity THEN $3 ELSE closed_at END
        WHERE leg_id = $1
        """,
        leg_id,
        quantity,
        at,
    )


async def overdue(conn: Connection, now: datetime, limit: int) -> list[tuple[str, str, str]]:
    """(leg id, order id, mineral) of open legs past their deadline, oldest deadline first."""
    rows = await conn.fetch(
        "SELECT leg_id, order_id, mineral FROM legs WHERE status = 'open' AND deadline <= $1 "
        "ORDER BY deadline LIMIT $2",
        now,
        limit,
    )
    return [(r["leg_id"], r["order_id"], r["mineral"]) for r in rows]


async def find_fill(conn: Connection, fill_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT fill_id, leg_id, quantity FROM fills WHERE fill_id = $1", fill_id
    )
    return row


async def insert_fill(
    conn: Connection, fill: FillConfirmed, *, tier: Tier, phase: Phase, policy_version: str
) -> None:
    await conn.execute(
        """
        INSERT INTO fills (fill_id, leg_id, order_id, trader_id, quantity, unit_price,
                           origin_country, tier, warehouse_id, lot_reference, phase,
                           policy_version, filled_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """,
        fill.fill_id,
        fill.leg_id,
        fill.order_id,
        fill.trader_id,
        fill.quantity.amount,
        fill.unit_price.amount,
        fill.origin_country,
        tier,
        fill.warehouse_id,
        fill.lot_reference,
        phase,
        policy_version,
        fill.filled_at,
    )
