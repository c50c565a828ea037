"""The premium paid per fill: over the best allied alternative its decision passed over,
and over the reference price in force; and their sums per mineral, tier, trader, period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

GroupBy = Literal["mineral", "tier", "trader", "period"]
GROUPINGS: tuple[GroupBy, ...] = ("mineral", "tier", "trader", "period")


@dataclass(frozen=True, slots=True)
class PricedFill:
    fill_id: str
    order_id: str
    mineral: str
    tier: str | None
    trader_id: str
    filled_on: date
    quantity: Decimal
    unit: str
    unit_price: Decimal
    best_allied_price: Decimal | None
    reference_price: Decimal | None


@dataclass(frozen=True, slots=True)
class FillPremium:
    fill: PricedFill
    over_allied: Decimal | None  # USD, >= 0: what the allied route would have saved
    over_reference: Decimal | None  # USD, signed: negative is a discount to the reference
    deviation: Decimal | None  # (price - reference) / reference

    @property
    def spent(self) -> Decimal:
        return self.fill.quantity * self.fill.unit_price


def premium_of(fill: PricedFill) -> FillPremium:
    allied = fill.best_allied_price
    reference = fill.reference_price
    return FillPremium(
        fill=fill,
        over_allied=None
        if allied is None
        else fill.quantity * max(Decimal(0), fill.unit_price - allied),
        over_reference=None if reference is None else fill.quantity * (fill.unit_price - reference),
        deviation=None if reference is None else (fill.unit_price - reference) / reference,
    )


def period_of(day: date) -> str:
    """The reporting period of a day: its calendar month."""
    return f"{day.year:04d}-{day.month:02d}"


def group_key(premium: FillPremium, by: GroupBy) -> str:
    fill = premium.fill
    match by:
        case "mineral":
            return fill.mineral
        case "tier":
            return fill.tier or "unknown"
        case "trader":
            return fill.trader_id
        case "period":
            return period_of(fill.filled_on)


@dataclass(frozen=True, slots=True)
class PremiumGroup:
    key: str
    fills: int
    spent: Decimal
    over_allied: Decimal
    over_reference: Decimal
    fills_without_reference: int


def summarise(premiums: Iterable[FillPremium], by: GroupBy) -> list[PremiumGroup]:
    """Sums per group, in key order; a fill without a reference adds nothing over it."""
    groups: dict[str, list[FillPremium]] = {}
    for premium in premiums:
        groups.setdefault(group_key(premium, by), []).append(premium)
    return [
        PremiumGroup(
            key=key,
            fills=len(members),
            spent=sum((p.spent for p in members), Decimal(0)),
            over_allied=sum((p.over_allied or Decimal(0) for p in members), Decimal(0)),
            over_reference=sum((p.over_reference or Decimal(0) for p in members), Decimal(0)),
            fills_without_reference=sum(1 for p in members if p.over_reference is None),
        )
        for key, members in sorted(groups.items())
    ]
