"""asyncpg wiring: a pool bound to the service's own schema, and numbered SQL migrations."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, TypeAlias

import asyncpg

# What handlers and repositories receive: a plain connection or one lent by a pool.
# (asyncpg's classes are generic only in its stubs, so the precise alias is for mypy.)
if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
else:
    Connection = asyncpg.Connection

MIGRATION_LOCK = 7_411_001  # advisory lock id: one replica migrates, the others wait


async def create_pool(
    url: str, *, schema: str, min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool:
    """A pool whose connections see ``schema`` first, created if missing."""
    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=10,
        command_timeout=30,
        server_settings={"search_path": f'"{schema}",public', "application_name": schema},
    )
    assert pool is not None
    return pool


def migration_files(package: str) -> list[tuple[str, str]]:
    """``(name, sql)`` of every ``NNN_*.sql`` in ``<package>/migrations``, in order."""
    folder = resources.files(package).joinpath("migrations")
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(".sql") and f.name[:3].isdigit()),
        key=lambda f: f.name,
    )
    return [(f"{package}/{f.name}", f.read_text()) for f in files]


async def migrate(pool: asyncpg.Pool, *packages: str) -> list[str]:
    """Apply the messaging tables (``shared``) and each package's migrations once; returns new ones."""
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for package in ("shared", *packages):
            for name, sql in migration_files(package):
                if name in done:
                    continue
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                applied.append(name)
    return applied
