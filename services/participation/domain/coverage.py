"""Days of supply: what is held, over what is consumed a day, against the target.

Per manufacturer and mineral from its holdings and its declared consumption; for the
program per mineral from every participant's holdings over their summed consumption.
Pure; quantities are decimals, days are rounded down to a tenth (never flattering).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """One manufacturer's mineral: held, declared consumption a day, target days."""

    manufacturer_id: str
    mineral: str
    held: Decimal
    consumption_per_day: Decimal
    target_days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """Days of supply (None: no consumption declared, so no finite figure) against target."""

    held: Decimal
    consumption_per_day: Decimal
    days: Decimal | None
    target_days: int
    target_quantity: Decimal

    @property
    def shortfall(self) -> Decimal:
        """What more must be held to reach the target (0 when it is met)."""
        return max(self.target_quantity - self.held, Decimal(0))

    @property
    def meets_target(self) -> bool:
        return self.held >= self.target_quantity


def days_of_supply(held: Decimal, consumption_per_day: Decimal) -> Decimal | None:
    if consumption_per_day < 0 or held < 0:
        raise ValueError("held and consumption are never negative")
    if consumption_per_day == 0:
        return None
    return (held / consumption_per_day).quantize(_TENTH, rounding=ROUND_DOWN)


def coverage(held: Decimal, consumption_per_day: Decimal, target_days: int) -> Coverage:
    return Coverage(
        held=held,
        consumption_per_day=consumption_per_day,
        days=days_of_supply(held, consumption_per_day),
        target_days=target_days,
        target_quantity=consumption_per_day * target_days,
    )


def of_position(position: Position) -> Coverage:
    return coverage(position.held, position.consumption_per_day, position.target_days)


def of_program(positions: Iterable[Position], pool_held: Decimal) -> Coverage:
    """The program's coverage of one mineral: everything held over everyone's consumption;
    its target is the consumption-weighted one (each participant's target quantity summed)."""
    listed = list(positions)
    consumption = sum((p.consumption_per_day for p in listed), Decimal(0))
    target_quantity = sum((p.consumption_per_day * p.target_days for p in listed), Decimal(0))
    target_days = (
        int((target_quantity / consumption).to_integral_value(rounding=ROUND_DOWN))
        if consumption
        else max((p.target_days for p in listed), default=0)
    )
    return Coverage(
        held=pool_held,
        consumption_per_day=consumption,
        days=days_of_supply(pool_held, consumption),
        target_days=target_days,
        target_quantity=target_quantity,
    )
