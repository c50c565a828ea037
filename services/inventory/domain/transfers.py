"""Custody transfers between warehouses, splitting a lot (with lineage) when only part moves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.inventory.domain.lots import Lot, LotBalance, Posting
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.values import Warehouse, require_quantity
from shared.contracts import Unit, require_aware


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferRequest:
    transfer_id: str
    lot_id: str
    to_warehouse_id: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Transfer:
    """A planned custody move: two movements and the lot now in the new warehouse.

    ``lot`` is the source lot with its new custodian when the whole lot moves,
    or a child lot (``split_from`` the source) when only part of it does.
    The owner is the source's in both cases. ``postings``: what the source
    holds after the move out, and what ``lot`` holds after the move in.
    """

    transfer_id: str
    source: Lot
    lot: Lot
    postings: tuple[Posting, Posting]

    @property
    def movements(self) -> tuple[Movement, Movement]:
        out, into = self.postings
        return out.movement, into.movement

    @property
    def split(self) -> bool:
        return self.lot.lot_id != self.source.lot_id


@dataclass(frozen=True, slots=True)
class TransferRefused:
    transfer_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Transferred:
    """What a transfer did, as its movements tell it (so a retry is answered the same)."""

    transfer_id: str
    source_lot_id: str
    # The source itself when the whole lot moved; a child lot split from it otherwise.
    lot_id: str
    from_warehouse_id: str
    to_warehouse_id: str
    quantity: Decimal
    unit: Unit
    at: datetime
    replayed: bool

    @property
    def split(self) -> bool:
        return self.lot_id != self.source_lot_id


def plan_transfer(
    holding: LotBalance,
    to_warehouse_id: str,
    quantity: Decimal,
    warehouses: Mapping[str, Warehouse],
    *,
    transfer_id: str,
    at: datetime,
) -> Transfer | TransferRefused:
    """Plan moving ``quantity`` of a lot into the custody of another warehouse."""
    require_quantity(quantity, f"transfer {transfer_id} quantity")
    require_aware(at, f"transfer {transfer_id} time")
    source = holding.lot
    reason = _refusal(holding, to_warehouse_id, quantity, warehouses)
    if reason is not None:
        return TransferRefused(transfer_id, reason)
    if quantity == holding.quantity:
        moved = replace(source, warehouse_id=to_warehouse_id)
    else:
        # The child keeps the parent's received_at so FIFO still sees the
        # material as old as it is; its id is derived for idempotent replays.
        moved = replace(
            source,
            lot_id=f"{source.lot_id}/{transfer_id}",
            warehouse_id=to_warehouse_id,
            split_from=source.lot_id,
        )
    out = Movement(
        movement_id=f"transfer:{transfer_id}:out",
        kind=MovementKind.TRANSFER,
        at=at,
        key=source.key,
        quantity=-quantity,
        unit=source.unit,
        transfer_id=transfer_id,
    )
    into = Movement(
        movement_id=f"transfer:{transfer_id}:in",
        kind=MovementKind.TRANSFER,
        at=at,
        key=moved.key,
        quantity=quantity,
        unit=source.unit,
        transfer_id=transfer_id,
    )
    # A lot holds nothing outside its custodian's warehouse, so the destination starts empty.
    arrived = LotBalance(moved, Decimal(0))
    return Transfer(transfer_id, source, moved, (holding.post(out), arrived.post(into)))


def transferred(movements: Sequence[Movement], *, replayed: bool) -> Transferred:
    """The answer to a transfer, read from its two movements."""
    out = next(m for m in movements if m.quantity < 0)
    into = next(m for m in movements if m.quantity > 0)
    return Transferred(
        transfer_id=out.transfer_id or "",
        source_lot_id=out.lot_id,
        lot_id=into.lot_id,
        from_warehouse_id=out.warehouse_id,
        to_warehouse_id=into.warehouse_id,
        quantity=into.quantity,
        unit=into.unit,
        at=into.at,
        replayed=replayed,
    )


def _refusal(
    holding: LotBalance,
    to_warehouse_id: str,
    quantity: Decimal,
    warehouses: Mapping[str, Warehouse],
) -> str | None:
    lot = holding.lot
    if quantity <= 0:
        return f"transfer quantity must be positive, got {quantity} {lot.unit}"
    if to_warehouse_id not in warehouses:
        return f"destination warehouse {to_warehouse_id!r} is not a known warehouse"
    if to_warehouse_id == lot.warehouse_id:
        return f"lot {lot.lot_id} is already in warehouse {to_warehouse_id}"
    if quantity > holding.quantity:
        return (
            f"lot {lot.lot_id} holds {holding.quantity} {lot.unit} in {lot.warehouse_id}, "
            f"transfer requested {quantity} {lot.unit}"
        )
    return None
