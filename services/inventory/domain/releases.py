"""Releases: drawing a manufacturer's own material out, oldest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, TypeAlias

from services.inventory.domain.lots import LotBalance
from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.values import Unit, require_aware, require_quantity

ReleaseRule: TypeAlias = Literal["fifo"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplenishmentDemand:
    """Demand to buy back what a release drew, published into the pipeline."""

    demand_id: str
    manufacturer: str
    mineral: str
    quantity: Decimal
    unit: Unit
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleasePlan:
    release_id: str
    manufacturer: str
    mineral: str
    quantity: Decimal
    unit: Unit
    movements: tuple[Movement, ...]
    replenishment: ReplenishmentDemand


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseRefused:
    release_id: str
    reason: str
    held: Decimal
    requested: Decimal


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
) -> ReleasePlan | ReleaseRefused:
    """Plan drawing ``quantity`` of ``mineral`` from ``manufacturer``'s own lots."""
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
    return ReleasePlan(
        release_id=release_id,
        manufacturer=manufacturer,
        mineral=mineral,
        quantity=quantity,
        unit=unit,
        movements=tuple(_draw(eligible, quantity, release_id, at)),
        replenishment=ReplenishmentDemand(
            demand_id=f"replenish-{release_id}",
            manufacturer=manufacturer,
            mineral=mineral,
            quantity=quantity,
            unit=unit,
            reason=f"replenish release {release_id}",
        ),
    )


def _draw(
    oldest_first: list[LotBalance], quantity: Decimal, release_id: str, at: datetime
) -> list[Movement]:
    movements: list[Movement] = []
    remaining = quantity
    for held in oldest_first:
        if remaining == 0:
            break
        take = min(held.quantity, remaining)
        remaining -= take
        movements.append(
            Movement(
                movement_id=f"release:{release_id}:{held.lot.lot_id}",
                kind=MovementKind.RELEASE,
                at=at,
                key=held.lot.key,
                quantity=-take,
                unit=held.lot.unit,
                release_id=release_id,
            )
        )
    return movements
