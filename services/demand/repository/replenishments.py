"""The replenishments table (migrations/002_replenishments.sql): one row per release bought back."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.demand.domain.replenishments import ReplenishmentOrder
from shared.db import Connection, columns

COLUMNS = (
    "manufacturer_id, release_id, order_id, request_id, mineral, quantity, unit, deliver_by, "
    "limit_price, received_at"
)


async def insert_new(conn: Connection, orders: Sequence[ReplenishmentOrder]) -> set[str]:
    """Store the releases not seen before; returns their order ids (a release seen before,
    or a second copy in the batch, is skipped: it is bought back once)."""
    if not orders:
        return set()
    rows = await conn.fetch(
        "INSERT INTO replenishments (manufacturer_id, release_id, order_id, request_id, mineral,"
        " quantity, unit, deliver_by, limit_price) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        " $6::numeric[], $7::text[], $8::date[], $9::numeric[]) "
        "ON CONFLICT DO NOTHING RETURNING order_id",
        *columns(
            orders,
            lambda o: (
                o.replenishment.manufacturer_id,
                o.replenishment.release_id,
                o.order_id,
                o.replenishment.request_id,
                o.replenishment.mineral,
                o.replenishment.quantity,
                o.replenishment.unit,
                o.replenishment.deliver_by,
                o.replenishment.limit_price,
            ),
        ),
    )
    return {row["order_id"] for row in rows}


async def find(
    conn: Connection | asyncpg.Pool, manufacturer_id: str, release_id: str
) -> dict[str, object] | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM replenishments WHERE manufacturer_id = $1 AND release_id = $2",
        manufacturer_id,
        release_id,
    )
    return None if row is None else dict(row)
