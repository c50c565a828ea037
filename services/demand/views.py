"""Demand's read side: what Vault answered to a request, for the sender to read back."""

from __future__ import annotations

import asyncpg

from services.demand.domain import DemandKey, DemandRecord
from services.demand.repository import replenishments
from services.demand.repository.demands import COLUMNS, record_of
from shared.db import Connection


async def demand(conn: Connection | asyncpg.Pool, key: DemandKey) -> DemandRecord | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM demands WHERE manufacturer_id = $1 AND request_id = $2", *key
    )
    return None if row is None else record_of(row)


async def replenishment(
    conn: Connection | asyncpg.Pool, manufacturer_id: str, release_id: str
) -> dict[str, object] | None:
    return await replenishments.find(conn, manufacturer_id, release_id)
