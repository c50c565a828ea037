"""The ledger: movements appended and their balances moved in one statement; read back for the check."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import asyncpg

from services.inventory.domain import BalanceKey, Movement, MovementKind, Posting
from services.inventory.repository.columns import columns
from shared.contracts import Tier, Unit
from shared.db import Connection

MOVEMENT_COLUMNS = (
    "seq, movement_id, kind, at, mineral, warehouse_id, origin_country, tier, lot_id, owner, "
    "quantity, unit, balance_after, fill_id, release_id, transfer_id, reason, author"
)

# Additions may open a balance (an upsert); draws only ever take from one that exists
# (an update: CHECK constraints are tested on the row an upsert proposes before it
# finds the conflict, so a draw cannot upsert). Each movement then records the balance
# the database left, and the whole set is one round trip. A draw on too little fails
# CHECK (quantity >= 0) and the transaction with it, even if the locks were wrong.
_POST = """
WITH entry AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[],
                         $6::text[], $7::text[], $8::text[], $9::text[], $10::numeric[],
                         $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                         $16::text[])
        WITH ORDINALITY AS e(movement_id, kind, at, lot_id, warehouse_id, mineral,
                             origin_country, tier, owner, quantity, unit, fill_id, release_id,
                             transfer_id, reason, author, n)
),
added AS (
    INSERT INTO balances (lot_id, warehouse_id, mineral, origin_country, tier, owner, unit,
                          quantity)
    SELECT lot_id, warehouse_id, mineral, origin_country, tier, owner, unit, quantity
    FROM entry WHERE quantity > 0 ORDER BY lot_id, warehouse_id
    ON CONFLICT (lot_id, warehouse_id)
        DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity, updated_at = now()
    RETURNING lot_id, warehouse_id, quantity
),
drawn AS (
    UPDATE balances b SET quantity = b.quantity + e.quantity, updated_at = now()
    FROM entry e
    WHERE e.quantity < 0 AND b.lot_id = e.lot_id AND b.warehouse_id = e.warehouse_id
    RETURNING b.lot_id, b.warehouse_id, b.quantity
),
moved AS (SELECT * FROM added UNION ALL SELECT * FROM drawn)
INSERT INTO movements (movement_id, kind, at, lot_id, warehouse_id, mineral, origin_country,
                       tier, owner, quantity, unit, balance_after, fill_id, release_id,
                       transfer_id, reason, author)
SELECT e.movement_id, e.kind, e.at, e.lot_id, e.warehouse_id, e.mineral, e.origin_country,
       e.tier, e.owner, e.quantity, e.unit, moved.quantity, e.fill_id, e.release_id,
       e.transfer_id, e.reason, e.author
FROM entry e JOIN moved ON moved.lot_id = e.lot_id AND moved.warehouse_id = e.warehouse_id
ORDER BY e.n
RETURNING movement_id, balance_after
"""


class LedgerDisagrees(RuntimeError):
    """The database left another balance than the domain decided: a lock or planner bug."""


async def post(conn: Connection, postings: Sequence[Posting]) -> None:
    """Append the postings' movements, in order, and move each balance by its movement.

    Each balance may be moved once per call (one statement cannot change a row twice);
    the balance each movement left must be the one its posting says.
    """
    if not postings:
        return
    keys = [(p.movement.lot_id, p.movement.warehouse_id) for p in postings]
    if len(set(keys)) != len(keys):
        raise ValueError("a balance is moved twice in one posting")
    movements = [p.movement for p in postings]
    rows = await conn.fetch(_POST, *columns(movements, _ENTRY, _field))
    left = {row["movement_id"]: row["balance_after"] for row in rows}
    for posting in postings:
        movement_id = posting.movement.movement_id
        if movement_id not in left:
            raise LedgerDisagrees(f"{movement_id} draws on a balance that was never opened")
        if left[movement_id] != posting.balance:
            raise LedgerDisagrees(
                f"{movement_id} left {left[movement_id]}, the plan said {posting.balance}"
            )


# The entry's columns, in the order of ``_POST``'s arrays; the balance's own from its key.
_ENTRY = (
    "movement_id", "kind", "at", "lot_id", "warehouse_id", "mineral", "origin_country", "tier",
    "owner", "quantity", "unit", "fill_id", "release_id", "transfer_id", "reason", "author",
)  # fmt: skip
_KEY = frozenset({"lot_id", "warehouse_id", "mineral", "origin_country", "tier", "owner"})


def _field(movement: Movement, name: str) -> Any:
    return getattr(movement.key if name in _KEY else movement, name)


def movement_from_row(row: asyncpg.Record, prefix: str = "") -> Movement:
    """A movement from its columns, named ``<prefix><column>`` where a query joins several tables."""
    return Movement(
        movement_id=row[f"{prefix}movement_id"],
        kind=MovementKind(row[f"{prefix}kind"]),
        at=row[f"{prefix}at"],
        key=BalanceKey(
            mineral=row[f"{prefix}mineral"],
            warehouse_id=row[f"{prefix}warehouse_id"],
            origin_country=row[f"{prefix}origin_country"],
            tier=Tier(row[f"{prefix}tier"]),
            lot_id=row[f"{prefix}lot_id"],
            owner=row[f"{prefix}owner"],
        ),
        quantity=row[f"{prefix}quantity"],
        unit=Unit(row[f"{prefix}unit"]),
        fill_id=row[f"{prefix}fill_id"],
        release_id=row[f"{prefix}release_id"],
        transfer_id=row[f"{prefix}transfer_id"],
        reason=row[f"{prefix}reason"],
        author=row[f"{prefix}author"],
    )


def prefixed(alias: str, prefix: str) -> str:
    """The movement columns of table ``alias``, each named ``<prefix><column>``."""
    return ", ".join(
        f"{alias}.{c.strip()} AS {prefix}{c.strip()}" for c in MOVEMENT_COLUMNS.split(",")
    )


async def all_movements(conn: Connection) -> list[Movement]:
    rows = await conn.fetch(f"SELECT {MOVEMENT_COLUMNS} FROM movements ORDER BY seq")
    return [movement_from_row(row) for row in rows]


async def live_balances(conn: Connection) -> dict[BalanceKey, Decimal]:
    """Balances as the live table has them; empty ones left out, as the domain leaves them."""
    rows = await conn.fetch(
        "SELECT mineral, warehouse_id, origin_country, tier, lot_id, owner, quantity "
        "FROM balances WHERE quantity <> 0"
    )
    return {
        BalanceKey(
            mineral=row["mineral"],
            warehouse_id=row["warehouse_id"],
            origin_country=row["origin_country"],
            tier=Tier(row["tier"]),
            lot_id=row["lot_id"],
            owner=row["owner"],
        ): row["quantity"]
        for row in rows
    }
