"""The program's data in SQL: each mineral's phase, and the roster of specialist traders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import asyncpg

from services.sourcing.domain import Rosters, Trader
from shared.contracts import Phase, PhaseSet, TraderRegistered
from shared.db import Connection


async def record_phase(conn: Connection, change: PhaseSet, effective_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO phase_changes (mineral, phase, set_by, reason, effective_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        change.mineral,
        change.phase,
        change.set_by,
        change.reason,
        effective_at,
    )


async def phases_to_retry(conn: Connection | asyncpg.Pool, now: datetime) -> list[str]:
    """Minerals with a phase change in force at ``now`` whose waiting orders were not yet
    retried under it."""
    rows = await conn.fetch(
        "SELECT DISTINCT mineral FROM phase_changes "
        "WHERE retried_at IS NULL AND effective_at <= $1 ORDER BY mineral",
        now,
    )
    return [row["mineral"] for row in rows]


async def mark_retried(conn: Connection, minerals: Iterable[str], now: datetime) -> None:
    """The minerals' phase changes in force at ``now`` have had their waiting orders retried.

    Called under the minerals' locks, in the transaction that retried them.
    """
    await conn.execute(
        "UPDATE phase_changes SET retried_at = $2 "
        "WHERE mineral = ANY($1::text[]) AND retried_at IS NULL AND effective_at <= $2",
        sorted(set(minerals)),
        now,
    )


async def phases(conn: Connection, minerals: Iterable[str], now: datetime) -> dict[str, Phase]:
    """The phase in force at `now` per mineral: its latest change already effective.

    Minerals whose phase was never set are left out (the domain's ``DEFAULT_PHASE``).
    """
    rows = await conn.fetch(
        "SELECT DISTINCT ON (mineral) mineral, phase FROM phase_changes "
        "WHERE mineral = ANY($1::text[]) AND effective_at <= $2 "
        "ORDER BY mineral, effective_at DESC, id DESC",
        sorted(set(minerals)),
        now,
    )
    return {row["mineral"]: Phase(row["phase"]) for row in rows}


async def register_trader(conn: Connection, trader: TraderRegistered, at: datetime) -> bool:
    """Add or update a trader; False when a newer registration is already held."""
    changed = await conn.fetchval(
        """
        INSERT INTO traders (trader_id, name, markets, rank, capacity, exposure_limit_usd, active,
                             registered_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (trader_id) DO UPDATE SET
            name = EXCLUDED.name, markets = EXCLUDED.markets, rank = EXCLUDED.rank,
            capacity = EXCLUDED.capacity, exposure_limit_usd = EXCLUDED.exposure_limit_usd,
            active = EXCLUDED.active, registered_at = EXCLUDED.registered_at, updated_at = now()
        WHERE traders.registered_at <= EXCLUDED.registered_at
        RETURNING true
        """,
        trader.trader_id,
        trader.name,
        sorted(set(trader.markets)),
        trader.rank,
        trader.capacity,
        trader.exposure_limit_usd,
        trader.active,
        at,
    )
    return bool(changed)


async def load_rosters(
    conn: Connection, markets: Iterable[str], also: Iterable[str] = ()
) -> Rosters:
    """The markets' specialists and the traders in `also` (those with offers, those whose
    legs fail), with what is open with each.

    Their rows are locked until the transaction ends, so two decisions in different
    minerals cannot both spend the same room under a trader's limits. Open quantity
    is kept per market (capacity is in the market's unit); open value over every
    market (the exposure limit is in dollars). The open legs are read by a statement
    of their own, once the locks are held.
    """
    wanted = sorted(set(also))
    rows = await conn.fetch(
        """
        SELECT trader_id, markets, rank, capacity, exposure_limit_usd, active
        FROM traders WHERE markets && $1::text[] OR trader_id = ANY($2::text[])
        ORDER BY trader_id FOR UPDATE
        """,
        sorted(set(markets)),
        wanted,
    )
    traders = tuple(
        Trader(
            trader_id=r["trader_id"],
            markets=frozenset(r["markets"]),
            rank=r["rank"],
            capacity=r["capacity"],
            exposure_limit=r["exposure_limit_usd"],
            active=r["active"],
        )
        for r in rows
    )
    exposures = await conn.fetch(
        """
        SELECT trader_id, market, sum(quantity - filled) AS open_quantity,
               sum((quantity - filled) * unit_price) AS open_value
        FROM legs WHERE status = 'open' AND trader_id = ANY($1::text[])
        GROUP BY trader_id, market
        """,
        sorted({t.trader_id for t in traders} | set(wanted)),
    )
    open_quantity: dict[tuple[str, str], Decimal] = {}
    open_value: dict[str, Decimal] = {}
    for r in exposures:
        open_quantity[(r["trader_id"], r["market"])] = Decimal(r["open_quantity"])
        open_value[r["trader_id"]] = open_value.get(r["trader_id"], Decimal(0)) + r["open_value"]
    return Rosters(traders, open_quantity, open_value)
