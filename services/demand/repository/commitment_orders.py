"""The commitment_orders table (migrations/003): one row per participation request."""

from __future__ import annotations

from collections.abc import Sequence

from services.demand.domain.commitments import CommitmentOrder
from shared.db import Connection, columns


async def insert_new(conn: Connection, orders: Sequence[CommitmentOrder]) -> set[str]:
    """Store the requests not seen before; returns their order ids."""
    if not orders:
        return set()
    rows = await conn.fetch(
        "INSERT INTO commitment_orders (request_id, order_id, manufacturer_id, mineral,"
        " quantity, unit, deliver_by, limit_price) SELECT * FROM unnest($1::text[], $2::text[],"
        " $3::text[], $4::text[], $5::numeric[], $6::text[], $7::date[], $8::numeric[])"
        " ON CONFLICT DO NOTHING RETURNING order_id",
        *columns(
            orders,
            lambda o: (
                o.demanded.request_id,
                o.order_id,
                o.demanded.manufacturer_id,
                o.demanded.mineral,
                o.demanded.quantity.amount,
                o.demanded.quantity.unit,
                o.demanded.deliver_by,
                o.demanded.limit_price.amount,
            ),
        ),
    )
    return {row["order_id"] for row in rows}
