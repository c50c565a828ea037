"""Transaction-scoped advisory locks: who may change what at the same time.

Locks are database-wide and the two-key form shares its space with the outbox
relay's lock, so every key here starts with its own class number. Where a command
takes two, it takes them in one statement, always the request's first.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.db import Connection

# One (owner, mineral): releases, transfers and adjustments of a manufacturer's
# material queue here, so two releases can never both count the same tonnes.
HOLDINGS = 7_411_100
# One warehouse id: registering it excludes booking a fill into it, so a fill
# cannot be held for a warehouse registered a moment earlier and stay held.
WAREHOUSE = 7_411_101
# One client-supplied id (release, transfer, adjustment): a retry racing the
# original waits for it and is then recognised as a retry.
REQUEST = 7_411_102

_SEPARATOR = "\x1f"


async def release(conn: Connection, manufacturer_id: str, release_id: str, mineral: str) -> None:
    """The release id (unique per manufacturer), then the manufacturer's holdings of ``mineral``."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2)), pg_advisory_xact_lock($3, hashtext($4))",
        REQUEST,
        _SEPARATOR.join(("release", manufacturer_id, release_id)),
        HOLDINGS,
        _SEPARATOR.join((manufacturer_id, mineral)),
    )


async def lot_command(conn: Connection, lot_id: str, kind: str, request_id: str) -> bool:
    """The command's client id, then the holdings of the lot's owner and mineral; False: no lot.

    A lot's owner and mineral never change, so they can be read in the statement that
    locks on them; everything else about the lot is read after, under the locks.
    """
    locked = await conn.fetchrow(
        "SELECT pg_advisory_xact_lock($2, hashtext($3)), "
        "pg_advisory_xact_lock($4, hashtext(owner || chr(31) || mineral)) "
        "FROM lots WHERE lot_id = $1",
        lot_id,
        REQUEST,
        _SEPARATOR.join((kind, request_id)),
        HOLDINGS,
    )
    return locked is not None


async def registration(conn: Connection, warehouse_id: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", WAREHOUSE, warehouse_id)


async def receipts_into(conn: Connection, warehouse_ids: Iterable[str]) -> None:
    """Shared, in id order: receipts into one warehouse do not wait for each other, only for
    its registration, and two batches naming the same warehouses cannot deadlock."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock_shared($1, hashtext(w)) FROM unnest($2::text[]) AS w",
        WAREHOUSE,
        sorted(set(warehouse_ids)),
    )
