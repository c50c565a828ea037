"""The ledger: append a movement and move its balance in one statement; read both back."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import asyncpg

from services.inventory.domain import BalanceKey, Movement, MovementKind, Tier, Unit
from shared.db import Connection

MOVEMENT_COLUMNS = (
    "seq, movement_id, kind, at, mineral, warehouse_id, origin_country, tier, lot_id, owner, "
    "quantity, unit, balance_after, fill_id, release_id, transfer_id, reason, author"
)

# The balance moves first (the write locks its row, so writers of one balance take
# turns) and the movement records the balance it left: one statement, one round trip.
# A draw on a balance with too little fails the CHECK (quantity >= 0) and the whole
# transaction with it: the database refuses an overdraw even if the locks were wrong.
_RECORD = """
INSERT INTO movements (movement_id, kind, at, lot_id, warehouse_id, mineral, origin_country,
                       tier, owner, quantity, unit, balance_after, fill_id, release_id,
                       transfer_id, reason, author)
SELECT $1, $2, $3, $5, $6, $7, $8, $9, $10, $11, $12, moved.quantity, $4, $13, $14, $15, $16
FROM moved
RETURNING balance_after
"""
# An addition may open a balance. (CHECK constraints are tested on the row an
# upsert proposes before it finds the conflict, so only additions can upsert.)
_ADD = (
    """
WITH moved AS (
    INSERT INTO balances (lot_id, warehouse_id, mineral, origin_country, tier, owner, unit, quantity)
    VALUES ($5, $6, $7, $8, $9, $10, $12, $11)
    ON CONFLICT (lot_id, warehouse_id)
        DO UPDATE SET quantity = balances.quantity + EXCLUDED.quantity, updated_at = now()
    RETURNING quantity
)"""
    + _RECORD
)
# A draw only ever takes from a balance that exists.
_DRAW = (
    """
WITH moved AS (
    UPDATE balances SET quantity = quantity + $11, updated_at = now()
    WHERE lot_id = $5 AND warehouse_id = $6
    RETURNING quantity
)"""
    + _RECORD
)


class NoSuchBalance(RuntimeError):
    """A draw on a balance that was never opened: a planner bug, never a user error."""


async def post(conn: Connection, movements: Sequence[Movement]) -> list[Decimal]:
    """Append ``movements`` and apply each to its balance; the balances they left, in order."""
    left: list[Decimal] = []
    for m in movements:
        key = m.key
        balance = await conn.fetchval(
            _ADD if m.quantity > 0 else _DRAW,
            m.movement_id,
            m.kind.value,
            m.at,
            m.fill_id,
            key.lot_id,
            key.warehouse_id,
            key.mineral,
            key.origin_country,
            key.tier.value,
            key.owner,
            m.quantity,
            m.unit.value,
            m.release_id,
            m.transfer_id,
            m.reason,
            m.author,
        )
        if balance is None:
            raise NoSuchBalance(f"{m.movement_id} draws on {key.lot_id} in {key.warehouse_id}")
        left.append(balance)
    return left


def movement_from_row(row: asyncpg.Record) -> Movement:
    return Movement(
        movement_id=row["movement_id"],
        kind=MovementKind(row["kind"]),
        at=row["at"],
        key=BalanceKey(
            mineral=row["mineral"],
            warehouse_id=row["warehouse_id"],
            origin_country=row["origin_country"],
            tier=Tier(row["tier"]),
            lot_id=row["lot_id"],
            owner=row["owner"],
        ),
        quantity=row["quantity"],
        unit=Unit(row["unit"]),
        fill_id=row["fill_id"],
        release_id=row["release_id"],
        transfer_id=row["transfer_id"],
        reason=row["reason"],
        author=row["author"],
    )


async def all_movements(conn: Connection) -> list[Movement]:
    rows = await conn.fetch(f"SELECT {MOVEMENT_COLUMNS} FROM movements ORDER BY seq")
    return [movement_from_row(row) for row in rows]


async def movements_by(
    conn: Connection, column: Literal["transfer_id", "movement_id"], value: str
) -> list[Movement]:
    """The movements one transfer or adjustment wrote, in ledger order."""
    rows = await conn.fetch(
        f"SELECT {MOVEMENT_COLUMNS} FROM movements WHERE {column} = $1 ORDER BY seq", value
    )
    return [movement_from_row(row) for row in rows]


async def movements_of_release(
    conn: Connection, manufacturer_id: str, release_id: str
) -> list[Movement]:
    """What one release drew, lot by lot, in the order it drew them."""
    rows = await conn.fetch(
        f"SELECT {MOVEMENT_COLUMNS} FROM movements "
        "WHERE release_id = $2 AND owner = $1 AND kind = 'release' ORDER BY seq",
        manufacturer_id,
        release_id,
    )
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
