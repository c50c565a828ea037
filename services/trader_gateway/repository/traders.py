"""Trading houses and their API keys (hashes only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from services.trader_gateway.domain import KeyRecord
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class Trader:
    trader_id: str
    name: str
    markets: tuple[str, ...]  # sorted, no repeats: equal terms compare equal
    rank: int
    capacity: Decimal
    exposure_limit_usd: Decimal
    active: bool


def _trader(row: asyncpg.Record) -> Trader:
    return Trader(
        trader_id=row["trader_id"],
        name=row["name"],
        markets=tuple(row["markets"]),
        rank=row["rank"],
        capacity=row["capacity"],
        exposure_limit_usd=row["exposure_limit_usd"],
        active=row["active"],
    )


def _key(row: asyncpg.Record) -> KeyRecord:
    return KeyRecord(
        key_id=row["key_id"],
        trader_id=row["trader_id"],
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        scheme=row["scheme"],
    )


_TRADER = "trader_id, name, markets, rank, capacity, exposure_limit_usd, active"


async def get(conn: Connection, trader_id: str, *, for_update: bool = False) -> Trader | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {_TRADER} FROM traders WHERE trader_id = $1{lock}", trader_id
    )
    return None if row is None else _trader(row)


async def upsert(conn: Connection, trader: Trader) -> None:
    await conn.execute(
        f"INSERT INTO traders ({_TRADER}) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (trader_id) DO UPDATE SET name = EXCLUDED.name, markets = EXCLUDED.markets, "
        "rank = EXCLUDED.rank, capacity = EXCLUDED.capacity, "
        "exposure_limit_usd = EXCLUDED.exposure_limit_usd, active = EXCLUDED.active, "
        "updated_at = now()",
        trader.trader_id,
        trader.name,
        list(trader.markets),
        trader.rank,
        trader.capacity,
        trader.exposure_limit_usd,
        trader.active,
    )


async def key_for_login(conn: Connection | asyncpg.Pool, key_id: str) -> KeyRecord | None:
    """The key stored under ``key_id``, if its trader is still active."""
    row = await conn.fetchrow(
        "SELECT k.key_id, k.trader_id, k.secret_hash, k.scheme, k.created_at, k.revoked_at "
        "FROM api_keys k JOIN traders t USING (trader_id) WHERE k.key_id = $1 AND t.active",
        key_id,
    )
    return None if row is None else _key(row)


async def keys_of(conn: Connection, trader_id: str, *, for_update: bool = False) -> list[KeyRecord]:
    lock = " FOR UPDATE" if for_update else ""
    rows = await conn.fetch(
        "SELECT key_id, trader_id, secret_hash, scheme, created_at, revoked_at FROM api_keys "
        f"WHERE trader_id = $1 ORDER BY created_at, key_id{lock}",
        trader_id,
    )
    return [_key(row) for row in rows]


async def insert_key(conn: Connection, key: KeyRecord) -> None:
    await conn.execute(
        "INSERT INTO api_keys (key_id, trader_id, secret_hash, scheme, created_at, revoked_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        key.key_id,
        key.trader_id,
        key.secret_hash,
        key.scheme,
        key.created_at,
        key.revoked_at,
    )


async def set_revoked(conn: Connection, key_id: str, revoked_at: datetime | None) -> None:
    await conn.execute("UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1", key_id, revoked_at)
