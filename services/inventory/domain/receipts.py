"""A lot's first day: a confirmed fill becomes a new lot and the receipt that puts it on the books."""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from services.inventory.domain.lots import Lot, LotBalance, Posting
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.values import Warehouse, require_quantity
from shared.contracts import Phase, Tier, Unit, require_aware


@dataclass(frozen=True, slots=True, kw_only=True)
class Fill:
    """A trader's confirmed fill of one order (leg), as inventory needs it."""

    fill_id: str
    order_id: str
    trader_id: str
    mineral: str
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    origin_country: str
    tier: Tier
    warehouse_id: str
    lot_reference: str
    filled_at: datetime
    phase: Phase
    policy_version: str
    owner: str
    leg_id: str | None = None

    def __post_init__(self) -> None:
        require_quantity(self.quantity, f"fill {self.fill_id} quantity")
        require_quantity(self.unit_price, f"fill {self.fill_id} unit price")
        require_aware(self.filled_at, f"fill {self.fill_id} filled_at")


@dataclass(frozen=True, slots=True)
class Receipt:
    """The fill is booked: a new lot and the movement that puts it on the books."""

    lot: Lot
    movement: Movement
    warehouse: Warehouse

    @property
    def posting(self) -> Posting:
        # A new lot held nothing before its receipt.
        return LotBalance(self.lot, Decimal(0)).post(self.movement)


@dataclass(frozen=True, slots=True)
class HeldForOps:
    """The fill cannot be booked as it stands; ops must act. Nothing is dropped."""

    fill: Fill
    reason: str


@dataclass(frozen=True, slots=True)
class AlreadyBooked:
    """The fill was booked before; booking it again would count it twice."""

    fill_id: str


Booking = Receipt | HeldForOps | AlreadyBooked


def lot_id_for(fill_id: str) -> str:
    # Derived from the fill so a redelivered or replayed fill always names the
    # same lot and movement, and any double booking is visible as a clash.
    return f"lot:{fill_id}"


def receipt_id_for(fill_id: str) -> str:
    return f"receipt:{fill_id}"


def book_receipt(
    fill: Fill,
    warehouses: Mapping[str, Warehouse],
    existing_fill_ids: Container[str],
    mineral_units: Mapping[str, Unit] | None = None,
    *,
    taken_lot_ids: Container[str] = frozenset(),
) -> Booking:
    """Decide what a confirmed fill does to holdings.

    ``mineral_units`` (the catalogue's unit per mineral), when given, also holds
    a fill of an unknown mineral or in another unit: a mineral counted in both
    tonnes and kilograms could not be released or totalled. ``taken_lot_ids``:
    lot ids that exist already, so a fill whose derived lot id another lot has
    (a split child is ``<lot>/<transfer>``) is held instead of clashing.
    """
    if fill.fill_id in existing_fill_ids:
        return AlreadyBooked(fill.fill_id)
    problems = _problems(fill, warehouses, mineral_units, taken_lot_ids)
    if problems:
        return HeldForOps(fill, "; ".join(problems))
    lot = Lot(
        lot_id=lot_id_for(fill.fill_id),
        mineral=fill.mineral,
        unit=fill.unit,
        origin_country=fill.origin_country,
        tier=fill.tier,
        trader_id=fill.trader_id,
        fill_id=fill.fill_id,
        order_id=fill.order_id,
        lot_reference=fill.lot_reference,
        phase=fill.phase,
        policy_version=fill.policy_version,
        owner=fill.owner,
        warehouse_id=fill.warehouse_id,
        received_at=fill.filled_at,
        unit_price=fill.unit_price,
        leg_id=fill.leg_id,
    )
    movement = Movement(
        movement_id=receipt_id_for(fill.fill_id),
        kind=MovementKind.RECEIPT,
        at=fill.filled_at,
        key=lot.key,
        quantity=fill.quantity,
        unit=fill.unit,
        fill_id=fill.fill_id,
    )
    return Receipt(lot, movement, warehouses[fill.warehouse_id])


def book_receipts(
    fills: Sequence[Fill],
    warehouses: Mapping[str, Warehouse],
    booked_fill_ids: Collection[str],
    mineral_units: Mapping[str, Unit] | None = None,
    *,
    taken_lot_ids: Collection[str] = frozenset(),
) -> list[Booking]:
    """Decide a batch of fills, in order, as if they came one at a time.

    A fill booked earlier in the batch (a resend arriving in the same batch) is
    booked already by the time its copy is decided.
    """
    booked = set(booked_fill_ids)
    taken = set(taken_lot_ids)
    decisions: list[Booking] = []
    for fill in fills:
        decision = book_receipt(fill, warehouses, booked, mineral_units, taken_lot_ids=taken)
        if isinstance(decision, Receipt):
            booked.add(fill.fill_id)
            taken.add(decision.lot.lot_id)
        decisions.append(decision)
    return decisions


def _problems(
    fill: Fill,
    warehouses: Mapping[str, Warehouse],
    mineral_units: Mapping[str, Unit] | None,
    taken_lot_ids: Container[str],
) -> list[str]:
    problems: list[str] = []
    if mineral_units is not None:
        expected = mineral_units.get(fill.mineral)
        if expected is None:
            problems.append(
                f"fill {fill.fill_id} names mineral {fill.mineral!r}, which is not in the catalogue"
            )
        elif expected != fill.unit:
            problems.append(
                f"fill {fill.fill_id} is in {fill.unit} but {fill.mineral} is counted in {expected}"
            )
    if fill.warehouse_id not in warehouses:
        problems.append(
            f"fill {fill.fill_id} names warehouse {fill.warehouse_id!r}, which is not a "
            "known warehouse: register the warehouse or correct the fill"
        )
    if fill.quantity <= 0:
        problems.append(
            f"fill {fill.fill_id} quantity is {fill.quantity} {fill.unit}: only a positive "
            "quantity can be booked"
        )
    if lot_id_for(fill.fill_id) in taken_lot_ids:
        problems.append(
            f"fill {fill.fill_id} would be booked as lot {lot_id_for(fill.fill_id)!r}, which is "
            "another lot's id already: correct the fill id"
        )
    return problems
