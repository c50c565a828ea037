"""Transaction-scoped advisory locks: who may change what at the same time.

Locks are database-wide and the two-key form shares its space with the outbox
relay's lock, so every key here starts with its own class number.
"""

from __future__ import annotations

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


async def lock_holdings(conn: Connection, owner: str, mineral: str) -> None:
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))", HOLDINGS, f"{owner}\x1f{mineral}"
    )


async def lock_warehouse(conn: Connection, warehouse_id: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", WAREHOUSE, warehouse_id)


async def share_warehouse(conn: Connection, warehouse_id: str) -> None:
    # Shared: receipts into one warehouse do not wait for each other, only for its registration.
    await conn.execute(
        "SELECT pg_advisory_xact_lock_shared($1, hashtext($2))", WAREHOUSE, warehouse_id
    )


async def lock_request(conn: Connection, kind: str, request_id: str) -> None:
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))", REQUEST, f"{kind}\x1f{request_id}"
    )
