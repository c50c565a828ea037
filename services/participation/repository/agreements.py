"""Agreements and their terms (migrations/001): versioned per manufacturer, dated."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from shared.contracts.participation import MineralTerms
from shared.db import Connection, columns

TERM_COLUMNS = (
    "mineral, unit, committed_quantity, set_price, period_start, period_end, "
    "consumption_per_day, coverage_target_days, disruption_pool_share, replenish_within_days"
)

# The version in force for each manufacturer on day $1: the latest that has begun.
IN_FORCE = (
    "SELECT DISTINCT ON (manufacturer_id) manufacturer_id, version, effective_from"
    " FROM agreements WHERE effective_from <= $1 ORDER BY manufacturer_id, version DESC"
)


async def lock(conn: Connection, manufacturer_id: str) -> None:
    """Writers of one manufacturer's agreement take turns (versions follow commits)."""
    await conn.execute("SELECT pg_advisory_xact_lock(1601, hashtext($1))", manufacturer_id)


async def next_version(conn: Connection, manufacturer_id: str) -> int:
    latest = await conn.fetchval(
        "SELECT max(version) FROM agreements WHERE manufacturer_id = $1", manufacturer_id
    )
    return 1 if latest is None else int(latest) + 1


async def insert(
    conn: Connection,
    manufacturer_id: str,
    version: int,
    effective_from: date,
    terms: list[MineralTerms],
    *,
    set_by: str,
    set_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO agreements (manufacturer_id, version, effective_from, set_by, set_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        manufacturer_id,
        version,
        effective_from,
        set_by,
        set_at,
    )
    await conn.execute(
        f"INSERT INTO agreement_terms (manufacturer_id, version, {TERM_COLUMNS}) SELECT $1, $2, *"
        " FROM unnest($3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::date[],"
        " $8::date[], $9::numeric[], $10::int[], $11::numeric[], $12::int[])",
        manufacturer_id,
        version,
        *columns(
            terms,
            lambda t: (
                t.mineral,
                t.unit,
                t.committed_quantity,
                t.set_price,
                t.period_start,
                t.period_end,
                t.consumption_per_day,
                t.coverage_target_days,
                t.disruption_pool_share,
                t.replenish_within_days,
            ),
        ),
    )


async def terms_in_force(
    conn: Connection | asyncpg.Pool, day: date, mineral: str | None = None
) -> list[asyncpg.Record]:
    """Every manufacturer's terms in force on ``day`` (its version in force, the period open)."""
    return await conn.fetch(
        f"WITH current AS ({IN_FORCE}) SELECT t.manufacturer_id, t.version, {TERM_COLUMNS}"
        " FROM agreement_terms t JOIN current c USING (manufacturer_id, version)"
        " WHERE t.period_start <= $1 AND $1 <= t.period_end"
        " AND ($2::text IS NULL OR t.mineral = $2) ORDER BY t.mineral, t.manufacturer_id",
        day,
        mineral,
    )


async def term_in_force(
    conn: Connection, manufacturer_id: str, mineral: str, day: date
) -> asyncpg.Record | None:
    for row in await terms_in_force(conn, day, mineral):
        if row["manufacturer_id"] == manufacturer_id:
            return row
    return None
