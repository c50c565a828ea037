"""Commitments in force and how far they are covered: one statement over the learnt tables."""

from __future__ import annotations

from datetime import date

import asyncpg

from services.participation.domain.commitments import Commitment
from services.participation.repository.agreements import IN_FORCE, TERM_COLUMNS
from services.participation.repository.obligations import ORDERS_OF
from shared.db import Connection

_COVERED = f"""
WITH current AS ({IN_FORCE}),
terms AS (
    SELECT t.manufacturer_id, t.version, {TERM_COLUMNS}
    FROM agreement_terms t JOIN current c USING (manufacturer_id, version)
    WHERE t.period_start <= $1 AND $1 <= t.period_end AND ($2::text IS NULL OR t.mineral = $2)
),
held AS (
    SELECT owner AS manufacturer_id, mineral, sum(balance) AS held
    FROM lot_balances GROUP BY owner, mineral
),
received AS (SELECT order_id, sum(quantity) AS received FROM receipts GROUP BY order_id),
on_order AS (
    SELECT o.manufacturer_id, o.mineral,
           sum(greatest(o.quantity - coalesce(r.received, 0), 0)) AS on_order
    FROM orders o LEFT JOIN received r USING (order_id)
    WHERE NOT o.closed GROUP BY o.manufacturer_id, o.mineral
),
requested AS (
    SELECT q.manufacturer_id, q.mineral, sum(q.quantity) AS requested
    FROM commitment_requests q
    WHERE NOT EXISTS (SELECT 1 FROM orders ord WHERE ord.request_id = q.request_id)
    GROUP BY q.manufacturer_id, q.mineral
),
owed AS (
    SELECT o.manufacturer_id, o.mineral, sum(o.quantity) AS owed
    FROM obligations o
    WHERE o.closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM orders ord WHERE {ORDERS_OF})
    GROUP BY o.manufacturer_id, o.mineral
)
SELECT t.*, coalesce(h.held, 0) AS held, coalesce(oo.on_order, 0) AS on_order,
       coalesce(rq.requested, 0) AS requested, coalesce(ow.owed, 0) AS owed
FROM terms t
LEFT JOIN held h USING (manufacturer_id, mineral)
LEFT JOIN on_order oo USING (manufacturer_id, mineral)
LEFT JOIN requested rq USING (manufacturer_id, mineral)
LEFT JOIN owed ow USING (manufacturer_id, mineral)
ORDER BY t.mineral, t.manufacturer_id
"""


async def rows_in_force(
    conn: Connection | asyncpg.Pool, day: date, mineral: str | None = None
) -> list[asyncpg.Record]:
    return await conn.fetch(_COVERED, day, mineral)


def commitment_of(row: asyncpg.Record) -> Commitment:
    return Commitment(
        manufacturer_id=row["manufacturer_id"],
        mineral=row["mineral"],
        unit=row["unit"],
        committed=row["committed_quantity"],
        set_price=row["set_price"],
        agreement_version=row["version"],
        held=row["held"],
        on_order=row["on_order"],
        requested=row["requested"],
        owed=row["owed"],
    )


async def in_force(
    conn: Connection | asyncpg.Pool, day: date, mineral: str | None = None
) -> list[Commitment]:
    return [commitment_of(row) for row in await rows_in_force(conn, day, mineral)]
