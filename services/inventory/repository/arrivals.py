"""The arrivals table (migrations/007_arrivals.sql) and the titles arrivals are held to."""

from __future__ import annotations

import json

import asyncpg

from services.inventory.domain.arrivals import Arrival, Titled
from shared.db import Connection

COLUMNS = (
    "arrival_id, fill_id, warehouse_id, weighed, unit, arrived_on, grade, assay,"
    " variance_reason, confirmed_by"
)

# Each fill's lot as title passed it: the receipt movement that booked it.
TITLES = """
    SELECT l.fill_id, l.lot_id, l.mineral, m.warehouse_id, m.quantity, l.unit
    FROM lots l JOIN movements m ON m.lot_id = l.lot_id AND m.kind = 'receipt'
    WHERE l.split_from IS NULL
"""


async def title_of(conn: Connection | asyncpg.Pool, fill_id: str) -> Titled | None:
    row = await conn.fetchrow(f"{TITLES} AND l.fill_id = $1", fill_id)
    return None if row is None else Titled(**dict(row))


async def titles(conn: Connection | asyncpg.Pool) -> list[Titled]:
    return [Titled(**dict(r)) for r in await conn.fetch(TITLES)]


async def insert(conn: Connection, arrival: Arrival) -> bool:
    """Store the arrival; False if its id or its fill already has one."""
    row = await conn.fetchrow(
        f"INSERT INTO arrivals ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)"
        " ON CONFLICT DO NOTHING RETURNING arrival_id",
        arrival.arrival_id,
        arrival.fill_id,
        arrival.warehouse_id,
        arrival.weighed,
        arrival.unit,
        arrival.arrived_on,
        arrival.grade,
        json.dumps(arrival.assay),
        arrival.variance_reason,
        arrival.confirmed_by,
    )
    return row is not None


async def find(conn: Connection | asyncpg.Pool, arrival_id: str, fill_id: str) -> Arrival | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM arrivals WHERE arrival_id = $1 OR fill_id = $2"
        " ORDER BY arrival_id = $1 DESC LIMIT 1",
        arrival_id,
        fill_id,
    )
    return None if row is None else arrival_of(row)


async def every(conn: Connection | asyncpg.Pool) -> list[Arrival]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM arrivals ORDER BY arrived_on, arrival_id")
    return [arrival_of(r) for r in rows]


def arrival_of(row: asyncpg.Record) -> Arrival:
    values = dict(row)
    assay = values["assay"]
    values["assay"] = json.loads(assay) if isinstance(assay, str) else dict(assay)
    return Arrival(**values)
