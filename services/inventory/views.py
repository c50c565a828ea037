"""Inventory's read side: holdings, receipts, history, custody, releases, straight from SQL.

Kept apart from the write side: nothing here locks, and nothing here is used to
decide. Rows come back as plain dicts named as the API names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from services.inventory.domain import Release, Warehouse
from services.inventory.repository import releases
from services.inventory.repository.held_fills import COLUMNS as HELD_COLUMNS
from services.inventory.repository.held_fills import HeldFill, held_from_row
from services.inventory.repository.ledger import MOVEMENT_COLUMNS
from services.inventory.repository.lots import LOT_COLUMNS
from services.inventory.repository.warehouses import COLUMNS as WAREHOUSE_COLUMNS
from services.inventory.repository.warehouses import warehouse_from
from shared.reconciliation import Receipt

Row = dict[str, Any]

# What holdings may be grouped by, and the column each means. The mineral (and its
# unit) is always a group: tonnes of cobalt and of lithium do not add.
GROUPS: dict[str, str] = {
    "warehouse": "b.warehouse_id",
    "warehouse_kind": "w.kind",
    "tier": "b.tier",
    "origin_country": "b.origin_country",
    "owner": "b.owner",
    "lot": "b.lot_id",
}
_OUTPUT_NAME = {
    "warehouse": "warehouse_id",
    "warehouse_kind": "warehouse_kind",
    "tier": "tier",
    "origin_country": "origin_country",
    "owner": "owner",
    "lot": "lot_id",
}
HISTORY_COLUMNS = [c.strip() for c in MOVEMENT_COLUMNS.split(",")] + ["recorded_at"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldingsFilter:
    mineral: str | None = None
    warehouse_id: str | None = None
    tier: str | None = None
    owner: str | None = None
    origin_country: str | None = None


def holdings_columns(group_by: Sequence[str]) -> list[str]:
    return ["mineral", *(_OUTPUT_NAME[g] for g in group_by), "quantity", "unit", "lots"]


async def holdings(pool: asyncpg.Pool, where: HoldingsFilter, group_by: Sequence[str]) -> list[Row]:
    """Totals of what is held, grouped by ``group_by`` (names from ``GROUPS``) within each mineral."""
    dims = [f"{GROUPS[g]} AS {_OUTPUT_NAME[g]}" for g in group_by]
    keys = ["b.mineral", "b.unit", *(GROUPS[g] for g in group_by)]
    rows = await pool.fetch(
        f"SELECT b.mineral AS mineral, {''.join(d + ', ' for d in dims)}"
        "sum(b.quantity) AS quantity, b.unit AS unit, count(*) AS lots "
        "FROM balances b JOIN warehouses w ON w.warehouse_id = b.warehouse_id "
        "WHERE b.quantity > 0 AND ($1::text IS NULL OR b.mineral = $1) "
        "AND ($2::text IS NULL OR b.warehouse_id = $2) AND ($3::text IS NULL OR b.tier = $3) "
        "AND ($4::text IS NULL OR b.owner = $4) AND ($5::text IS NULL OR b.origin_country = $5) "
        f"GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}",
        where.mineral,
        where.warehouse_id,
        where.tier,
        where.owner,
        where.origin_country,
    )
    return [dict(row) for row in rows]


async def order_receipts(pool: asyncpg.Pool, order_id: str) -> list[Row]:
    rows = await pool.fetch(
        "SELECT m.movement_id, m.at, m.fill_id, m.lot_id, m.warehouse_id, m.mineral, "
        "m.quantity, m.unit, l.owner, l.trader_id, l.origin_country, l.tier, l.phase, "
        "l.policy_version, l.lot_reference, m.recorded_at "
        "FROM movements m JOIN lots l ON l.lot_id = m.lot_id "
        "WHERE m.kind = 'receipt' AND l.order_id = $1 ORDER BY m.seq",
        order_id,
    )
    return [dict(row) for row in rows]


async def mineral_history(
    pool: asyncpg.Pool, mineral: str, *, after: int, limit: int, owner: str | None = None
) -> list[Row]:
    """The mineral's movements in ledger order, ``limit`` at a time after ``seq`` ``after``."""
    rows = await pool.fetch(
        f"SELECT {MOVEMENT_COLUMNS}, recorded_at FROM movements "
        "WHERE mineral = $1 AND seq > $2 AND ($4::text IS NULL OR owner = $4) "
        "ORDER BY seq LIMIT $3",
        mineral,
        after,
        limit,
        owner,
    )
    return [dict(row) for row in rows]


async def lot_custody(pool: asyncpg.Pool, lot_id: str) -> Row | None:
    """A lot's chain of custody: the lot, its custodian, lineage, balances and movements."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        lot = await conn.fetchrow(f"SELECT {LOT_COLUMNS} FROM lots WHERE lot_id = $1", lot_id)
        if lot is None:
            return None
        custodian = await conn.fetchrow(
            f"SELECT {WAREHOUSE_COLUMNS} FROM warehouses WHERE warehouse_id = $1",
            lot["warehouse_id"],
        )
        ancestors = await conn.fetch(
            "WITH RECURSIVE up AS ("
            "  SELECT lot_id, split_from, 0 AS depth FROM lots WHERE lot_id = $1"
            "  UNION ALL SELECT l.lot_id, l.split_from, up.depth + 1 FROM lots l"
            "  JOIN up ON l.lot_id = up.split_from"
            ") SELECT lot_id FROM up WHERE depth > 0 ORDER BY depth",
            lot_id,
        )
        split_into = await conn.fetch(
            "SELECT lot_id FROM lots WHERE split_from = $1 ORDER BY received_at, lot_id", lot_id
        )
        merged_from = await conn.fetch(
            "SELECT lot_id FROM lots WHERE merged_into = $1 ORDER BY lot_id", lot_id
        )
        balances = await conn.fetch(
            "SELECT warehouse_id, quantity, unit, updated_at FROM balances "
            "WHERE lot_id = $1 AND quantity > 0 ORDER BY warehouse_id",
            lot_id,
        )
        movements = await conn.fetch(
            f"SELECT {MOVEMENT_COLUMNS}, recorded_at FROM movements WHERE lot_id = $1 ORDER BY seq",
            lot_id,
        )
    return {
        "lot": dict(lot),
        "custodian": None if custodian is None else dict(custodian),
        "split_from_chain": [row["lot_id"] for row in ancestors],
        "split_into": [row["lot_id"] for row in split_into],
        "merged_from": [row["lot_id"] for row in merged_from],
        "balances": [dict(row) for row in balances],
        "movements": [dict(row) for row in movements],
    }


async def held_fills(
    pool: asyncpg.Pool,
    *,
    warehouse_id: str | None = None,
    order_id: str | None = None,
    include_booked: bool = False,
) -> list[HeldFill]:
    rows = await pool.fetch(
        f"SELECT {HELD_COLUMNS} FROM held_fills "
        "WHERE ($1::text IS NULL OR warehouse_id = $1) AND ($2::text IS NULL OR order_id = $2) "
        "AND ($3 OR booked_at IS NULL) ORDER BY held_at, fill_id",
        warehouse_id,
        order_id,
        include_booked,
    )
    return [held_from_row(row) for row in rows]


async def warehouses(pool: asyncpg.Pool) -> list[Warehouse]:
    rows = await pool.fetch(f"SELECT {WAREHOUSE_COLUMNS} FROM warehouses ORDER BY warehouse_id")
    return [warehouse_from(row) for row in rows]


async def release(pool: asyncpg.Pool, manufacturer_id: str, release_id: str) -> Release | None:
    """A release performed and what it drew (the same read a retry is answered from)."""
    async with pool.acquire() as conn:
        return await releases.get(conn, manufacturer_id, release_id)


async def receipts_for_reconciliation(
    pool: asyncpg.Pool, *, after: str | None, limit: int
) -> list[Receipt]:
    """Every fill inventory has: received (a receipt on the ledger) or held for ops, by fill id."""
    rows = await pool.fetch(
        "SELECT fill_id, order_id, leg_id, quantity, held, reason FROM ("
        "  SELECT m.fill_id, l.order_id, l.leg_id, m.quantity, false AS held, '' AS reason"
        "  FROM movements m JOIN lots l ON l.lot_id = m.lot_id WHERE m.kind = 'receipt'"
        "  UNION ALL"
        "  SELECT h.fill_id, h.order_id, h.fill->>'leg_id', "
        "  (h.fill->'quantity'->>'amount')::numeric, true, h.reason"
        "  FROM held_fills h WHERE h.booked_at IS NULL"
        ") r WHERE ($1::text IS NULL OR fill_id > $1) ORDER BY fill_id, held LIMIT $2",
        after,
        limit,
    )
    return [Receipt.model_validate(dict(row)) for row in rows]
