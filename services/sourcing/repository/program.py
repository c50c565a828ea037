"""The program's data in SQL: each mineral's phase, and the roster of specialist traders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from services.sourcing.domain import Exposure, Phase, Trader, TraderRoster
from shared.contracts import PhaseSet, TraderRegistered
from shared.db import Connection

DEFAULT_PHASE = Phase.INITIAL_FILL


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


async def phase_of(conn: Connection, mineral: str, now: datetime) -> Phase:
    """The phase in force for `mineral` at `now`: the latest change already effective."""
    phase = await conn.fetchval(
        "SELECT phase FROM phase_changes WHERE mineral = $1 AND effective_at <= $2 "
        "ORDER BY effective_at DESC, id DESC LIMIT 1",
        mineral,
        now,
    )
    return DEFAULT_PHASE if phase is None else Phase(phase)


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


async def load_roster(conn: Connection, market: str, also: Iterable[str] = ()) -> TraderRoster:
    """The market's specialists and the traders in `also` (those with offers), with exposures.

    Their rows are locked until the transaction ends, so two decisions in different
    minerals cannot both spend the same room under a trader's limits.
    Open quantity counts this market's legs (capacity is in the market's unit);
    open value counts every market (the exposure limit is in dollars).
    """
    wanted = sorted(set(also))
    rows = await conn.fetch(
        """
        SELECT trader_id, markets, rank, capacity, exposure_limit_usd, active
        FROM traders WHERE $1 = ANY(markets) OR trader_id = ANY($2::text[])
        ORDER BY trader_id FOR UPDATE
        """,
        market,
        wanted,
    )
    traders = [
        Trader(
            trader_id=r["trader_id"],
            markets=frozenset(r["markets"]),
            rank=r["rank"],
            capacity=r["capacity"],
            exposure_limit=r["exposure_limit_usd"],
            active=r["active"],
        )
        for r in rows
    ]
    exposures = await conn.fetch(
        """
        SELECT trader_id,
               coalesce(sum(quantity - filled) FILTER (WHERE market = $2), 0) AS open_quantity,
               coalesce(sum((quantity - filled) * unit_price), 0) AS open_value
        FROM legs WHERE status = 'open' AND trader_id = ANY($1::text[])
        GROUP BY trader_id
        """,
        sorted({t.trader_id for t in traders} | set(wanted)),
        market,
    )
    return TraderRoster.of(
        traders,
        {
            r["trader_id"]: Exposure(
                open_quantity=Decimal(r["open_quantity"]), open_value=Decimal(r["open_value"])
            )
            for r in exposures
        },
    )
