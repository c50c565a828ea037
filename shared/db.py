"""asyncpg wiring: a pool bound to the service's own schema, and numbered SQL migrations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import asyncpg

# What handlers and repositories receive: a plain connection or one lent by a pool.
# (asyncpg's classes are generic only in its stubs, so the precise alias is for mypy.)
if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
else:
    Connection = asyncpg.Connection

T = TypeVar("T")

MIGRATION_LOCK = 7_411_001  # advisory lock id: one replica migrates, the others wait

# The server probes an idle client after 10 s and drops it after three unanswered
# probes 5 s apart: a backend whose client vanished (a half-open connection) gives
# up its session locks, the outbox relay's among them, in about 25 s, not hours.
KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}

# PostgreSQL's data exceptions (class 22) that say a value sent was not storable as it
# stood; others of the class (division by zero...) are bugs, answered 500.
REFUSED_VALUES = (
    asyncpg.exceptions.CharacterNotInRepertoireError,  # NUL in text
    asyncpg.exceptions.UntranslatableCharacterError,
    asyncpg.exceptions.NumericValueOutOfRangeError,
    asyncpg.exceptions.StringDataRightTruncationError,
    asyncpg.exceptions.InvalidTextRepresentationError,
    asyncpg.exceptions.InvalidDatetimeFormatError,
    asyncpg.exceptions.DatetimeFieldOverflowError,
)


async def _keep_session(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """Pool release without asyncpg's reset query (a round trip on every release).

    asyncpg still rolls back an open transaction first. Nothing here leaves
    session state behind: locks are transaction-scoped (``pg_advisory_xact_lock``),
    settings are ``SET LOCAL``, and the relay's session lock lives on a connection
    of its own that never goes back to the pool.
    """


async def create_pool(
    url: str, *, schema: str, min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool:
    """A pool whose connections see ``schema`` first, created if missing."""
    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except (asyncpg.UniqueViolationError, asyncpg.DuplicateSchemaError):
        # IF NOT EXISTS is not safe against itself: two replicas starting at once both
        # find the schema missing, and the second insert of it fails. It exists now.
        pass
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=10,
        command_timeout=30,
        reset=_keep_session,
        server_settings=session_settings(schema),
    )
    assert pool is not None
    return pool


def session_settings(schema: str) -> dict[str, str]:
    return {"search_path": f'"{schema}",public', "application_name": schema, **KEEPALIVES}


async def connect(url: str, *, schema: str) -> asyncpg.Connection[asyncpg.Record]:
    """A connection of its own (not lent by a pool), with the service's schema and keepalives."""
    return await asyncpg.connect(
        url, timeout=10, command_timeout=30, server_settings=session_settings(schema)
    )


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


def columns(rows: Sequence[T], values: Callable[[T], tuple[Any, ...]]) -> list[list[Any]]:
    """Rows as the column arrays ``unnest`` takes, in the order ``values`` gives a row's values:
    how a batch statement is fed (one statement for many rows)."""
    if not rows:
        return []
    return [list(column) for column in zip(*(values(row) for row in rows), strict=True)]


def text_array(json_column: str) -> str:
    """SQL for a text[] value that travels as JSON text: unnest would flatten an array of
    arrays, so array columns are sent as one JSON list per row."""
    return f"ARRAY(SELECT jsonb_array_elements_text({json_column}::jsonb))"
