"""Lots and what each holds: the state the transitions start from, read under the locks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import asyncpg

from services.inventory.domain import Lot, LotBalance, Movement, Warehouse, WarehouseKind
from services.inventory.repository.columns import columns
from services.inventory.repository.ledger import movement_from_row, prefixed
from shared.contracts import Phase, Tier, Unit
from shared.db import Connection

LOT_COLUMNS = (
    "lot_id, mineral, unit, origin_country, tier, trader_id, fill_id, order_id, lot_reference, "
    "phase, policy_version, owner, warehouse_id, received_at, split_from, merged_into, "
    "unit_price, leg_id"
)
_NAMES = [name.strip() for name in LOT_COLUMNS.split(",")]
_L_COLUMNS = ", ".join(f"l.{name}" for name in _NAMES)
# Every lot column is text but the time it was received and the price it cost.
_TYPES = {"received_at": "timestamptz", "unit_price": "numeric"}
_INSERT = (
    f"INSERT INTO lots ({LOT_COLUMNS}) SELECT * FROM unnest("
    + ", ".join(f"${n}::{_TYPES.get(name, 'text')}[]" for n, name in enumerate(_NAMES, start=1))
    + ")"
)


def lot_from_row(row: asyncpg.Record) -> Lot:
    return Lot(
        lot_id=row["lot_id"],
        mineral=row["mineral"],
        unit=Unit(row["unit"]),
        origin_country=row["origin_country"],
        tier=Tier(row["tier"]),
        trader_id=row["trader_id"],
        fill_id=row["fill_id"],
        order_id=row["order_id"],
        lot_reference=row["lot_reference"],
        phase=Phase(row["phase"]),
        policy_version=row["policy_version"],
        owner=row["owner"],
        warehouse_id=row["warehouse_id"],
        received_at=row["received_at"],
        split_from=row["split_from"],
        merged_into=row["merged_into"],
        unit_price=row["unit_price"],
        leg_id=row["leg_id"],
    )


async def insert_new(conn: Connection, lots: Sequence[Lot]) -> None:
    """Add new lots in one statement, in lot id order (two writers of one id take turns)."""
    if not lots:
        return
    ordered = sorted(lots, key=lambda lot: lot.lot_id)
    values = columns(ordered, _NAMES)
    await conn.execute(_INSERT, *values)


async def move_custody(conn: Connection, lot_id: str, warehouse_id: str) -> None:
    """The whole lot is now in ``warehouse_id``; the transfer movements say when and from where."""
    await conn.execute("UPDATE lots SET warehouse_id = $2 WHERE lot_id = $1", lot_id, warehouse_id)


async def held_for_update(
    conn: Connection, owner: str, mineral: str, warehouse_id: str | None = None
) -> list[LotBalance]:
    """``owner``'s lots of ``mineral`` that hold something, oldest first, balance rows locked."""
    rows = await conn.fetch(
        f"SELECT {_L_COLUMNS}, b.quantity FROM lots l "
        # A lot holds material only where it is: the balance in its custodian's warehouse.
        "JOIN balances b ON b.lot_id = l.lot_id AND b.warehouse_id = l.warehouse_id "
        "WHERE b.quantity > 0 AND l.owner = $1 AND l.mineral = $2 "
        "AND ($3::text IS NULL OR l.warehouse_id = $3) "
        "ORDER BY l.received_at, l.lot_id FOR UPDATE OF b",
        owner,
        mineral,
        warehouse_id,
    )
    return [LotBalance(lot_from_row(row), row["quantity"]) for row in rows]


@dataclass(frozen=True, slots=True)
class LotUnderLock:
    """One lot as a custody command finds it once the lot's holdings are locked."""

    holding: LotBalance
    # What was written under the command's client id already (a retry finds it here).
    done: list[Movement]
    # The warehouse the command names, if it is registered (keyed by id, as the planners take it).
    destination: dict[str, Warehouse]


async def under_lock(
    conn: Connection,
    lot_id: str,
    *,
    done_by: tuple[Literal["transfer_id", "movement_id"], str],
    destination: str | None = None,
) -> LotUnderLock:
    """Everything a transfer or an adjustment decides from, in one statement, its balance locked.

    The caller holds the lot's holdings lock (``locks.lot_command``), so the lot read
    here is the one the command acts on; a lot always has a balance row where it is.
    """
    column, value = done_by
    rows = await conn.fetch(
        f"SELECT {_L_COLUMNS}, b.quantity AS held, w.name AS w_name, w.kind AS w_kind, "
        f"w.location AS w_location, w.operator AS w_operator, {prefixed('m', 'm_')} "
        "FROM lots l "
        "JOIN balances b ON b.lot_id = l.lot_id AND b.warehouse_id = l.warehouse_id "
        "LEFT JOIN warehouses w ON w.warehouse_id = $2 "
        f"LEFT JOIN movements m ON m.{column} = $3 "
        "WHERE l.lot_id = $1 ORDER BY m.seq FOR UPDATE OF b",
        lot_id,
        destination,
        value,
    )
    if not rows:
        raise LookupError(f"lot {lot_id} has no balance in its custodian's warehouse")
    first = rows[0]
    found = {}
    if first["w_kind"] is not None:
        assert destination is not None
        found[destination] = Warehouse(
            warehouse_id=destination,
            name=first["w_name"],
            kind=WarehouseKind(first["w_kind"]),
            location=first["w_location"],
            operator=first["w_operator"],
        )
    return LotUnderLock(
        holding=LotBalance(lot_from_row(first), first["held"]),
        done=[movement_from_row(row, "m_") for row in rows if row["m_movement_id"] is not None],
        destination=found,
    )
