"""Reference prices: which one is in force on a day, how far a price deviates from it, and
whether a fill's price needs approval.

One rule in one place: treasury values and reports by it (``services.treasury.domain.prices``
re-exports it), and the trader gateway checks every fill by it (``price_check``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_KG_PER_TONNE = Decimal(1000)


@dataclass(frozen=True, slots=True)
class ReferencePrice:
    mineral: str
    form: str
    effective_on: date
    price: Decimal  # USD per ``unit``
    unit: str
    source: str


def in_force(
    prices: Iterable[ReferencePrice], mineral: str, day: date, form: str = ""
) -> ReferencePrice | None:
    """The reference of ``mineral`` (and ``form``) with the latest date not after ``day``.

    A price for the form wins over the mineral's own (form ``''``) of any date; without
    one for the form, the mineral's applies."""
    best: dict[str, ReferencePrice] = {}
    for price in prices:
        if price.mineral != mineral or price.effective_on > day:
            continue
        if price.form not in {form, ""}:
            continue
        held = best.get(price.form)
        if held is None or price.effective_on > held.effective_on:
            best[price.form] = price
    return best.get(form) or best.get("")


def deviation(price: Decimal, reference: Decimal) -> Decimal:
    """(price - reference) / reference: 0.12 is 12% above the reference."""
    if reference <= 0:
        raise ValueError("a reference price is positive")
    return (price - reference) / reference


def within_tolerance(price: Decimal, reference: Decimal, tolerance: Decimal) -> bool:
    """Whether ``price`` lies within ``tolerance`` (a fraction) of ``reference``, either way."""
    return abs(deviation(price, reference)) <= tolerance


def per_unit(price: Decimal, per: str, unit: str) -> Decimal:
    """A price quoted per ``per`` (``t`` or ``kg``) as a price per ``unit``."""
    if per == unit:
        return price
    if (per, unit) == ("t", "kg"):
        return price / _KG_PER_TONNE
    if (per, unit) == ("kg", "t"):
        return price * _KG_PER_TONNE
    raise ValueError(f"cannot convert a price per {per} to one per {unit}")


@dataclass(frozen=True, slots=True)
class PriceCheck:
    """A fill's price against the reference in force: the reference (per the fill's unit),
    the deviation, the tolerance (None: none set) and whether it needs approval."""

    reference: Decimal
    deviation: Decimal
    tolerance: Decimal | None

    @property
    def needs_approval(self) -> bool:
        return self.tolerance is not None and abs(self.deviation) > self.tolerance


def price_check(
    price: Decimal,
    unit: str,
    reference: ReferencePrice | None,
    tolerance: Decimal | None,
) -> PriceCheck | None:
    """``price`` (USD per ``unit``) against ``reference``; None without a reference (no
    check: nothing to record). Without a tolerance the deviation is recorded, never held."""
    if reference is None:
        return None
    in_unit = per_unit(reference.price, reference.unit, unit)
    return PriceCheck(in_unit, deviation(price, in_unit), tolerance)
