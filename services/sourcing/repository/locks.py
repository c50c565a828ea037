"""The mineral lock: one writer at a time of a mineral's supply book and its waiting orders.

Two allocations of one mineral must not both take the same offer's last tonnes;
the lock serialises them, while different minerals proceed side by side.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.db import Connection

MINERAL_LOCK = 7_411_101  # advisory lock class of sourcing's mineral locks


async def lock_minerals(conn: Connection, minerals: Iterable[str]) -> None:
    """Take the minerals' locks until the transaction ends, in one order so none deadlock.

    One statement for all: unnest yields the sorted array in order, and each lock is
    taken as its row is produced.
    """
    ordered = sorted(set(minerals))
    if ordered:
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(m)) FROM unnest($2::text[]) AS m",
            MINERAL_LOCK,
            ordered,
        )
