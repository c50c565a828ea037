"""Releases: a manufacturer draws its own material out, oldest lots first, and asks for it back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal, TypeAlias

from services.inventory.domain.lots import LotBalance, Posting
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.replenishment import DEFAULT_PRICE_HEADROOM, replenishment_limit
from services.inventory.domain.values import require_quantity
from shared.catalogue import Mineral
from shared.contracts import Unit, require_aware

ReleaseRule: TypeAlias = Literal["fifo"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseRequest:
    """What a manufacturer asks for; ``release_id`` is its own id, unique per manufacturer."""

    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: Decimal
    warehouse_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplenishmentDemand:
    """Demand to buy back what a release drew, published into the pipeline.

    ``limit_price`` (USD per ``unit``): see ``replenishment``; ``price_basis`` says how.
    """

    demand_id: str
    manufacturer: str
    mineral: str
    quantity: Decimal
    unit: Unit
    reason: str
    deliver_by: date
    limit_price: Decimal | None = None
    price_basis: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    """A release performed, as it is kept: what was asked, what was drawn, what it asked back."""

    release_id: str
    manufacturer_id: str
    mineral: str
    quantity: Decimal
    unit: Unit
    warehouse_id: str | None
    rule: ReleaseRule
    replenishment_request_id: str
    deliver_by: date
    performed_at: datetime
    draws: tuple[Movement, ...]
    replenishment_limit: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleasePlan:
    """What a release does: the lots drawn (each with what it holds after) and the demand raised."""

    release_id: str
    manufacturer: str
    mineral: str
    quantity: Decimal
    unit: Unit
    warehouse_id: str | None
    at: datetime
    postings: tuple[Posting, ...]
    replenishment: ReplenishmentDemand
    rule: ReleaseRule = "fifo"

    @property
    def movements(self) -> tuple[Movement, ...]:
        return tuple(posting.movement for posting in self.postings)

    @property
    def release(self) -> Release:
        return Release(
            release_id=self.release_id,
            manufacturer_id=self.manufacturer,
            mineral=self.mineral,
            quantity=self.quantity,
            unit=self.unit,
            warehouse_id=self.warehouse_id,
            rule=self.rule,
            replenishment_request_id=self.replenishment.demand_id,
            deliver_by=self.replenishment.deliver_by,
            performed_at=self.at,
            draws=self.movements,
            replenishment_limit=self.replenishment.limit_price,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseRefused:
    release_id: str
    reason: str
    held: Decimal
    requested: Decimal


class RequestProblem(StrEnum):
    UNKNOWN_MINERAL = "unknown_mineral"
    UNIT_MISMATCH = "unit_mismatch"
    QUANTITY_ABOVE_CEILING = "quantity_above_ceiling"


@dataclass(frozen=True, slots=True)
class RequestRefused:
    """The request is wrong whatever is held: nothing is looked up or drawn."""

    problem: RequestProblem
    detail: str


def check_request(
    mineral_id: str, quantity: Decimal, unit: str | None, mineral: Mineral | None
) -> RequestRefused | None:
    """The catalogue's word on a release request (``mineral``: its entry, if it has one)."""
    if mineral is None:
        return RequestRefused(
            RequestProblem.UNKNOWN_MINERAL, f"{mineral_id!r} is not in the mineral catalogue"
        )
    counted_in = mineral.unit.value
    if unit is not None and unit != counted_in:
        return RequestRefused(
            RequestProblem.UNIT_MISMATCH,
            f"{mineral_id} is counted in {counted_in}; the release says {unit}",
        )
    # The catalogue's per-order ceiling catches typos (kg for t, extra zeros), and the
    # replenishment demand this release raises would be refused above it anyway.
    if quantity > mineral.max_order_quantity:
        return RequestRefused(
            RequestProblem.QUANTITY_ABOVE_CEILING,
            f"{quantity} {counted_in} of {mineral_id} is above the "
            f"{mineral.max_order_quantity} {counted_in} one order may ask for; release it in parts",
        )
    return None


def replenishment_due(at: datetime, lead_days: int) -> date:
    """When the material a release drew must be back: ``lead_days`` after the release day (UTC)."""
    return require_aware(at, "release time").astimezone(UTC).date() + timedelta(days=lead_days)


def plan_release(
    lots_with_balances: Iterable[LotBalance],
    manufacturer: str,
    mineral: str,
    quantity: Decimal,
    warehouse: str | None = None,
    rule: ReleaseRule = "fifo",
    *,
    release_id: str,
    at: datetime,
    lead_days: int,
    price_headroom: Decimal = DEFAULT_PRICE_HEADROOM,
) -> ReleasePlan | ReleaseRefused:
    """Plan drawing ``quantity`` of ``mineral`` from ``manufacturer``'s own lots; its
    replenishment is limited by the dearest lot drawn plus ``price_headroom``."""
    require_quantity(quantity, f"release {release_id} quantity")
    require_aware(at, f"release {release_id} time")
    if rule != "fifo":
        raise ValueError(f"unknown release rule {rule!r}")
    eligible = sorted(
        (
            held
            for held in lots_with_balances
            if held.lot.owner == manufacturer
            and held.lot.mineral == mineral
            and (warehouse is None or held.lot.warehouse_id == warehouse)
            and held.quantity > 0
        ),
        key=lambda held: (held.lot.received_at, held.lot.lot_id),
    )
    held_total = sum((held.quantity for held in eligible), Decimal(0))
    units = {held.lot.unit for held in eligible}

    def refuse(why: str) -> ReleaseRefused:
        return ReleaseRefused(
            release_id=release_id, reason=why, held=held_total, requested=quantity
        )

    if quantity <= 0:
        return refuse(f"release quantity must be positive, requested {quantity}")
    where = f" in warehouse {warehouse}" if warehouse is not None else ""
    if len(units) > 1:
        return refuse(f"{manufacturer}'s {mineral}{where} is held in mixed units {sorted(units)}")
    unit_text = f" {next(iter(units))}" if units else ""
    if held_total < quantity:
        return refuse(
            f"{manufacturer} holds {held_total}{unit_text} of {mineral}{where}, "
            f"requested {quantity}{unit_text}"
        )
    unit = next(iter(units))
    postings = tuple(_draw(eligible, quantity, release_id, at))
    limit = replenishment_limit((posting.lot for posting in postings), price_headroom)
    return replenished_plan(
        ReleaseRequest(
            release_id=release_id,
            manufacturer_id=manufacturer,
            mineral=mineral,
            quantity=quantity,
            warehouse_id=warehouse,
        ),
        postings,
        unit=unit,
        at=at,
        reason=f"replenish release {release_id}",
        deliver_by=replenishment_due(at, lead_days),
        limit_price=limit.price,
        price_basis=limit.basis,
    )


def replenished_plan(
    release: ReleaseRequest,
    postings: tuple[Posting, ...],
    *,
    unit: Unit,
    at: datetime,
    reason: str,
    deliver_by: date,
    limit_price: Decimal | None,
    price_basis: str,
) -> ReleasePlan:
    """A release's postings and the replenishment it raises in the manufacturer's name."""
    return ReleasePlan(
        release_id=release.release_id,
        manufacturer=release.manufacturer_id,
        mineral=release.mineral,
        quantity=release.quantity,
        unit=unit,
        warehouse_id=release.warehouse_id,
        at=at,
        postings=postings,
        replenishment=ReplenishmentDemand(
            demand_id=f"replenish-{release.release_id}",
            manufacturer=release.manufacturer_id,
            mineral=release.mineral,
            quantity=release.quantity,
            unit=unit,
            reason=reason,
            deliver_by=deliver_by,
            limit_price=limit_price,
            price_basis=price_basis,
        ),
    )


def _draw(
    oldest_first: list[LotBalance], quantity: Decimal, release_id: str, at: datetime
) -> list[Posting]:
    postings: list[Posting] = []
    remaining = quantity
    for held in oldest_first:
        if remaining == 0:
            break
        take = min(held.quantity, remaining)
        remaining -= take
        movement = Movement(
            movement_id=f"release:{release_id}:{held.lot.lot_id}",
            kind=MovementKind.RELEASE,
            at=at,
            key=held.lot.key,
            quantity=-take,
            unit=held.lot.unit,
            release_id=release_id,
        )
        postings.append(held.post(movement))
    return postings
