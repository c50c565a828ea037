"""Disruptions (migrations/001): at most one in force per mineral."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from shared.db import Connection

COLUMNS = "disruption_id, mineral, reason, declared_at, ended_at"


async def lock(conn: Connection, mineral: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(1602, hashtext($1))", mineral)


async def in_force(conn: Connection | asyncpg.Pool, mineral: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {COLUMNS} FROM disruptions WHERE mineral = $1 AND ended_at IS NULL", mineral
    )


async def declare(
    conn: Connection, disruption_id: str, mineral: str, reason: str, at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO disruptions (disruption_id, mineral, reason, declared_at)"
        " VALUES ($1, $2, $3, $4)",
        disruption_id,
        mineral,
        reason,
        at,
    )


async def end(conn: Connection, disruption_id: str, at: datetime) -> None:
    await conn.execute(
        "UPDATE disruptions SET ended_at = $2 WHERE disruption_id = $1", disruption_id, at
    )


async def in_force_minerals(conn: Connection | asyncpg.Pool) -> set[str]:
    rows = await conn.fetch("SELECT mineral FROM disruptions WHERE ended_at IS NULL")
    return {row["mineral"] for row in rows}
