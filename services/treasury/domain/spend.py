"""Money committed on open legs and spent on booked fills, per mineral, year and overall."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from shared.treasury_rules import Tally


@dataclass(frozen=True, slots=True)
class LegMoney:
    """A leg as treasury knows it: its terms, what it filled, whether it is still open."""

    leg_id: str
    mineral: str
    year: int  # the year it was routed in: its commitment counts against that year
    quantity: Decimal
    limit_price: Decimal | None  # USD per unit; a mandate without a limit commits nothing known
    filled: Decimal
    open: bool

    @property
    def committed(self) -> Decimal:
        if not self.open or self.limit_price is None:
            return Decimal(0)
        return max(Decimal(0), self.quantity - self.filled) * self.limit_price

    @property
    def unpriced_open(self) -> Decimal:
        """Open quantity whose cost is not bounded (no limit price)."""
        if not self.open or self.limit_price is not None:
            return Decimal(0)
        return max(Decimal(0), self.quantity - self.filled)


@dataclass(frozen=True, slots=True)
class FillMoney:
    fill_id: str
    mineral: str
    year: int
    quantity: Decimal
    unit_price: Decimal

    @property
    def spent(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class SpendLine:
    mineral: str
    year: int
    spent: Decimal
    committed: Decimal
    unpriced_open: Decimal
    ceiling: Decimal | None

    @property
    def headroom(self) -> Decimal | None:
        if self.ceiling is None:
            return None
        return Tally(self.ceiling, self.spent, self.committed).headroom

    @property
    def exceeded(self) -> bool:
        """Spent + committed over the ceiling (it was lowered, or legs were routed before it was
        set; sourcing routes nothing past it): ops are told."""
        return self.ceiling is not None and self.spent + self.committed > self.ceiling


def spend_lines(
    legs: Iterable[LegMoney],
    fills: Iterable[FillMoney],
    ceilings: Mapping[tuple[str, int], Decimal],
) -> list[SpendLine]:
    """Per (mineral, year): spent, committed, unpriced open quantity, ceiling and headroom."""
    spent: dict[tuple[str, int], Decimal] = {}
    committed: dict[tuple[str, int], Decimal] = {}
    unpriced: dict[tuple[str, int], Decimal] = {}
    for fill in fills:
        key = (fill.mineral, fill.year)
        spent[key] = spent.get(key, Decimal(0)) + fill.spent
    for leg in legs:
        key = (leg.mineral, leg.year)
        committed[key] = committed.get(key, Decimal(0)) + leg.committed
        unpriced[key] = unpriced.get(key, Decimal(0)) + leg.unpriced_open
    keys = sorted(set(spent) | set(committed) | set(ceilings))
    return [
        SpendLine(
            mineral=mineral,
            year=year,
            spent=spent.get((mineral, year), Decimal(0)),
            committed=committed.get((mineral, year), Decimal(0)),
            unpriced_open=unpriced.get((mineral, year), Decimal(0)),
            ceiling=ceilings.get((mineral, year)),
        )
        for mineral, year in keys
    ]


@dataclass(frozen=True, slots=True)
class FundingSource:
    source_id: str
    name: str
    kind: str  # loan_tranche | private_capital
    ceiling: Decimal


@dataclass(frozen=True, slots=True)
class Funding:
    """Overall: every source's ceiling against everything spent and committed."""

    sources: tuple[FundingSource, ...]
    spent: Decimal
    committed: Decimal

    @property
    def ceiling(self) -> Decimal:
        return sum((s.ceiling for s in self.sources), Decimal(0))

    @property
    def headroom(self) -> Decimal:
        return Tally(self.ceiling, self.spent, self.committed).headroom

    @property
    def exceeded(self) -> bool:
        return self.spent + self.committed > self.ceiling


def funding(sources: Iterable[FundingSource], lines: Iterable[SpendLine]) -> Funding:
    lines = list(lines)
    return Funding(
        sources=tuple(sorted(sources, key=lambda s: s.source_id)),
        spent=sum((line.spent for line in lines), Decimal(0)),
        committed=sum((line.committed for line in lines), Decimal(0)),
    )
