"""Obligations (migrations/001): what a draw owes back, until the replenishment is booked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from shared.contracts.participation import ObligationCreated
from shared.db import Connection, columns

COLUMNS = (
    "obligation_id, release_id, manufacturer_id, mineral, quantity, unit, due_by, limit_price,"
    " replenishment_request_id, created_at, closed_at"
)

# The replenishment orders of an obligation: the drawer's own (its request id), and those
# buying back what it drew from other participants' lots (request id @ drawer).
ORDERS_OF = (
    "ord.request_id = o.replenishment_request_id AND ord.manufacturer_id = o.manufacturer_id"
    " OR ord.request_id = o.replenishment_request_id || '@' || o.manufacturer_id"
)


async def insert_new(
    conn: Connection, created: Sequence[ObligationCreated], at: datetime
) -> set[str]:
    if not created:
        return set()
    rows = await conn.fetch(
        f"INSERT INTO obligations ({COLUMNS}) SELECT *, $10::timestamptz, NULL::timestamptz"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[],"
        " $6::text[], $7::date[], $8::numeric[], $9::text[]) ON CONFLICT DO NOTHING"
        " RETURNING obligation_id",
        *columns(
            created,
            lambda c: (
                c.obligation_id,
                c.release_id,
                c.manufacturer_id,
                c.mineral,
                c.quantity.amount,
                c.quantity.unit,
                c.due_by,
                None if c.limit_price is None else c.limit_price.amount,
                c.replenishment_request_id,
            ),
        ),
        at,
    )
    return {row["obligation_id"] for row in rows}


async def close_fulfilled(conn: Connection, at: datetime) -> list[asyncpg.Record]:
    """Close every open obligation whose replenishment orders received what it owes."""
    return await conn.fetch(
        "WITH received AS ("
        " SELECT o.obligation_id, sum(r.quantity) AS received, min(ord.order_id) AS order_id"
        f" FROM obligations o JOIN orders ord ON ({ORDERS_OF})"
        " JOIN receipts r ON r.order_id = ord.order_id"
        " WHERE o.closed_at IS NULL GROUP BY o.obligation_id)"
        " UPDATE obligations o SET closed_at = $1 FROM received x"
        " WHERE x.obligation_id = o.obligation_id AND x.received >= o.quantity"
        " RETURNING o.obligation_id, o.manufacturer_id, o.release_id, o.due_by,"
        " x.received, x.order_id",
        at,
    )
