"""The mineral lock: one writer at a time of a mineral's supply book and its waiting orders.

Two allocations of one mineral must not both take the same offer's last tonnes;
the lock serialises them, while different minerals proceed side by side.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.db import Connection

MINERAL_LOCK = 7_411_101  # advisory lock class of sourcing's mineral locks


async def lock_minerals(conn: Connection, minerals: Iterable[str]) -> None:
    """Take the minerals' locks until the transaction ends, in one order so none deadlock."""
    for mineral in sorted(set(minerals)):
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", MINERAL_LOCK, mineral)
