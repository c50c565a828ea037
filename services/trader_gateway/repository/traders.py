"""Trading houses and their API keys (hashes only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import asyncpg

from services.trader_gateway.domain import KeyRecord, Trader
from shared.db import Connection

COLUMNS = "trader_id, name, markets, rank, capacity, exposure_limit_usd, active"
KEY_COLUMNS = "key_id, trader_id, secret_hash, scheme, created_at, revoked_at"


def trader_of(row: asyncpg.Record) -> Trader:
    return Trader(
        trader_id=row["trader_id"],
        name=row["name"],
        markets=tuple(row["markets"]),
        rank=row["rank"],
        capacity=row["capacity"],
        exposure_limit_usd=row["exposure_limit_usd"],
        active=row["active"],
    )


def key_of(row: asyncpg.Record) -> KeyRecord:
    return KeyRecord(
        key_id=row["key_id"],
        trader_id=row["trader_id"],
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        scheme=row["scheme"],
    )


async def get(conn: Connection, trader_id: str, *, for_update: bool = False) -> Trader | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM traders WHERE trader_id = $1{lock}", trader_id
    )
    return None if row is None else trader_of(row)


async def register(conn: Connection, trader: Trader) -> Literal["created", "changed"] | None:
    """Store the trader's terms; None when they are the terms already stored.

    One statement: the row is locked by the upsert itself, so two registrations of
    one trader queue, and their events enter the outbox in that order.
    """
    created = await conn.fetchval(
        f"INSERT INTO traders ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (trader_id) DO UPDATE SET name = EXCLUDED.name, markets = EXCLUDED.markets, "
        "rank = EXCLUDED.rank, capacity = EXCLUDED.capacity, "
        "exposure_limit_usd = EXCLUDED.exposure_limit_usd, active = EXCLUDED.active, "
        "updated_at = now() "
        "WHERE (traders.name, traders.markets, traders.rank, traders.capacity, "
        "traders.exposure_limit_usd, traders.active) IS DISTINCT FROM (EXCLUDED.name, "
        "EXCLUDED.markets, EXCLUDED.rank, EXCLUDED.capacity, EXCLUDED.exposure_limit_usd, "
        "EXCLUDED.active) "
        # xmax is 0 only on a row this statement inserted (an update leaves its own xid).
        "RETURNING xmax = 0",
        trader.trader_id,
        trader.name,
        list(trader.markets),
        trader.rank,
        trader.capacity,
        trader.exposure_limit_usd,
        trader.active,
    )
    if created is None:
        return None
    return "created" if created else "changed"


async def keys_of(
    conn: Connection | asyncpg.Pool, trader_id: str, *, for_update: bool = False
) -> list[KeyRecord]:
    """Every key the trader was issued, oldest first (``views.trader`` reads them too)."""
    lock = " FOR UPDATE" if for_update else ""
    rows = await conn.fetch(
        f"SELECT {KEY_COLUMNS} FROM api_keys WHERE trader_id = $1 "
        f"ORDER BY created_at, key_id{lock}",
        trader_id,
    )
    return [key_of(row) for row in rows]


async def insert_key(conn: Connection, key: KeyRecord) -> None:
    await conn.execute(
        f"INSERT INTO api_keys ({KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)",
        key.key_id,
        key.trader_id,
        key.secret_hash,
        key.scheme,
        key.created_at,
        key.revoked_at,
    )


async def set_revoked(conn: Connection, keys: Sequence[KeyRecord]) -> None:
    """Store when each of ``keys`` stops working (one statement for a rotation's many)."""
    if not keys:
        return
    await conn.execute(
        "UPDATE api_keys SET revoked_at = u.at "
        "FROM unnest($1::text[], $2::timestamptz[]) AS u(key_id, at) "
        "WHERE api_keys.key_id = u.key_id",
        [k.key_id for k in keys],
        [k.revoked_at for k in keys],
    )
