"""Lots and what is held of each: the records the planners work from."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from services.inventory.domain import Lot, LotBalance, Phase, Tier, Unit
from shared.db import Connection

LOT_COLUMNS = (
    "lot_id, mineral, unit, origin_country, tier, trader_id, fill_id, order_id, lot_reference, "
    "phase, policy_version, owner, warehouse_id, received_at, split_from, merged_into"
)
_L_COLUMNS = ", ".join(f"l.{name.strip()}" for name in LOT_COLUMNS.split(","))

# A lot holds material only where it is: the balance in its custodian's warehouse.
_HELD = (
    f"SELECT {_L_COLUMNS}, b.quantity FROM lots l "
    "JOIN balances b ON b.lot_id = l.lot_id AND b.warehouse_id = l.warehouse_id "
    "WHERE b.quantity > 0"
)


def lot_from_row(row: asyncpg.Record) -> Lot:
    return Lot(
        lot_id=row["lot_id"],
        mineral=row["mineral"],
        unit=Unit(row["unit"]),
        origin_country=row["origin_country"],
        tier=Tier(row["tier"]),
        trader_id=row["trader_id"],
        fill_id=row["fill_id"],
        order_id=row["order_id"],
        lot_reference=row["lot_reference"],
        phase=Phase(row["phase"]),
        policy_version=row["policy_version"],
        owner=row["owner"],
        warehouse_id=row["warehouse_id"],
        received_at=row["received_at"],
        split_from=row["split_from"],
        merged_into=row["merged_into"],
    )


async def insert(conn: Connection, lot: Lot) -> None:
    await conn.execute(
        f"INSERT INTO lots ({LOT_COLUMNS}) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        lot.lot_id,
        lot.mineral,
        lot.unit.value,
        lot.origin_country,
        lot.tier.value,
        lot.trader_id,
        lot.fill_id,
        lot.order_id,
        lot.lot_reference,
        lot.phase.value,
        lot.policy_version,
        lot.owner,
        lot.warehouse_id,
        lot.received_at,
        lot.split_from,
        lot.merged_into,
    )


async def move_custody(conn: Connection, lot_id: str, warehouse_id: str) -> None:
    """The whole lot is now in ``warehouse_id``; the transfer movements say when and from where."""
    await conn.execute("UPDATE lots SET warehouse_id = $2 WHERE lot_id = $1", lot_id, warehouse_id)


async def get(conn: Connection | asyncpg.Pool, lot_id: str) -> Lot | None:
    row = await conn.fetchrow(f"SELECT {LOT_COLUMNS} FROM lots WHERE lot_id = $1", lot_id)
    return None if row is None else lot_from_row(row)


async def holding_for_update(conn: Connection, lot: Lot) -> LotBalance:
    """What ``lot`` holds now (zero when drained), its balance row locked for this transaction."""
    quantity = await conn.fetchval(
        "SELECT quantity FROM balances WHERE lot_id = $1 AND warehouse_id = $2 FOR UPDATE",
        lot.lot_id,
        lot.warehouse_id,
    )
    return LotBalance(lot, Decimal(0) if quantity is None else quantity)


async def held_for_update(
    conn: Connection, owner: str, mineral: str, warehouse_id: str | None = None
) -> list[LotBalance]:
    """``owner``'s lots of ``mineral`` that hold something, balance rows locked."""
    rows = await conn.fetch(
        f"{_HELD} AND l.owner = $1 AND l.mineral = $2 "
        "AND ($3::text IS NULL OR l.warehouse_id = $3) "
        "ORDER BY l.received_at, l.lot_id FOR UPDATE OF b",
        owner,
        mineral,
        warehouse_id,
    )
    return [LotBalance(lot_from_row(row), row["quantity"]) for row in rows]


async def fill_booked(conn: Connection, fill_id: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM movements WHERE kind = 'receipt' AND fill_id = $1)",
            fill_id,
        )
    )
