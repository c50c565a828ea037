"""Fills held for approval (``pending_fills``) and the reference prices and tolerances the
gateway learnt from treasury (``reference_prices``, ``price_tolerances``).

Every writer of a pending fill holds its leg's row lock first (the fill that held it,
the approval or rejection, the leg's closing), so a pending fill is decided once, and
its leg's ``pending_quantity`` always counts exactly the pending fills on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from services.trader_gateway.domain import FillAccepted, PendingStatus
from shared.contracts import PriceToleranceSet, ReferencePriceSet, Unit
from shared.db import Connection

Reader = Connection | asyncpg.Pool

_COLUMNS = (
    "p.fill_id, p.leg_id, p.order_id, p.trader_id, p.mineral, p.unit, p.quantity, p.unit_price, "
    "p.origin_country, p.warehouse_id, p.lot_reference, p.filled_at, p.reference_price, "
    "p.deviation, p.tolerance, p.status, p.proposed_at, p.decided_by, p.decided_at, p.reason, "
    "l.filled_quantity, l.quantity AS leg_quantity"
)


@dataclass(frozen=True, slots=True)
class PendingRecord:
    fill_id: str
    fill: FillAccepted  # as proposed (its leg totals as they were then)
    tolerance: Decimal
    status: PendingStatus
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None


def _record(row: asyncpg.Record) -> PendingRecord:
    fill = FillAccepted(
        leg_id=row["leg_id"],
        order_id=row["order_id"],
        trader_id=row["trader_id"],
        mineral=row["mineral"],
        unit=Unit(row["unit"]),
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        origin_country=row["origin_country"],
        warehouse_id=row["warehouse_id"],
        lot_reference=row["lot_reference"],
        filled_at=row["filled_at"],
        remaining_after=row["leg_quantity"] - row["filled_quantity"] - row["quantity"],
        leg_filled=row["filled_quantity"] + row["quantity"],
        reference_price=row["reference_price"],
        deviation=row["deviation"],
    )
    return PendingRecord(
        fill_id=row["fill_id"],
        fill=fill,
        tolerance=row["tolerance"],
        status=PendingStatus(row["status"]),
        proposed_at=row["proposed_at"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        reason=row["reason"],
    )


async def find(db: Reader, fill_id: str, trader_id: str | None = None) -> PendingRecord | None:
    """A pending (or decided) fill; only ``trader_id``'s when given."""
    row = await db.fetchrow(
        f"SELECT {_COLUMNS} FROM pending_fills p JOIN legs l USING (leg_id) "
        "WHERE p.fill_id = $1 AND ($2::text IS NULL OR p.trader_id = $2)",
        fill_id,
        trader_id,
    )
    return None if row is None else _record(row)


async def page(
    db: Reader,
    *,
    trader_id: str | None,
    status: PendingStatus | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[PendingRecord]:
    """Pending (and decided) fills, oldest first; only ``trader_id``'s when given."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM pending_fills p JOIN legs l USING (leg_id) "
        "WHERE ($1::text IS NULL OR p.trader_id = $1) AND ($2::text IS NULL OR p.status = $2) "
        "AND ($3::timestamptz IS NULL OR (p.proposed_at, p.fill_id) > ($3, $4)) "
        "ORDER BY p.proposed_at, p.fill_id LIMIT $5",
        trader_id,
        None if status is None else status.value,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [_record(row) for row in rows]


async def decide(
    conn: Connection,
    fill_id: str,
    status: PendingStatus,
    by: str,
    at: datetime,
    reason: str,
) -> None:
    """Record the decision on a pending fill (its leg locked by the caller)."""
    await conn.execute(
        "UPDATE pending_fills SET status = $2, decided_by = $3, decided_at = $4, reason = $5 "
        "WHERE fill_id = $1 AND status = 'pending_approval'",
        fill_id,
        status.value,
        by,
        at,
        reason,
    )


async def save_reference_prices(conn: Connection, prices: Sequence[ReferencePriceSet]) -> None:
    """Keep treasury's reference prices; a later ``set_at`` for the same day replaces."""
    for price in prices:
        await conn.execute(
            "INSERT INTO reference_prices (mineral, form, effective_on, price, unit, source, "
            "set_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (mineral, form, effective_on) DO UPDATE SET price = EXCLUDED.price, "
            "unit = EXCLUDED.unit, source = EXCLUDED.source, set_at = EXCLUDED.set_at "
            "WHERE reference_prices.set_at <= EXCLUDED.set_at",
            price.mineral,
            price.form,
            price.effective_on,
            price.price.amount,
            price.price.per,
            price.source,
            price.set_at,
        )


async def save_tolerances(conn: Connection, tolerances: Sequence[PriceToleranceSet]) -> None:
    for tolerance in tolerances:
        await conn.execute(
            "INSERT INTO price_tolerances (mineral, tolerance, set_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (mineral) DO UPDATE SET tolerance = EXCLUDED.tolerance, "
            "set_at = EXCLUDED.set_at WHERE price_tolerances.set_at <= EXCLUDED.set_at",
            tolerance.mineral,
            tolerance.tolerance,
            tolerance.set_at,
        )
