"""Spend against ceilings: one rule, ``admits``, that keeps spend + open commitments within.

A ceiling (a mineral's annual one, a funding source's) is met by what was spent on booked
fills plus what is committed on open legs (their unfilled quantity at their limit price,
or the offer's price for an offer leg). A new commitment is admitted only if it fits in
what is left.

One rule in one place: treasury reports spend against it (``services/treasury/domain/
spend.py``), and sourcing routes a leg only if its own tally admits it (``services/
sourcing/domain/ceilings.py``); each keeps its own tally from its own facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Tally:
    """Money against one ceiling, in USD."""

    ceiling: Decimal
    spent: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)

    @property
    def used(self) -> Decimal:
        return self.spent + self.committed

    @property
    def headroom(self) -> Decimal:
        return max(Decimal(0), self.ceiling - self.used)

    def admits(self, amount: Decimal) -> bool:
        """Whether committing ``amount`` more keeps spend + commitments within the ceiling."""
        if amount < 0:
            raise ValueError("a commitment is not negative")
        return self.used + amount <= self.ceiling

    def commit(self, amount: Decimal) -> Tally:
        """The tally with ``amount`` committed; refused (ValueError) if it does not fit."""
        if not self.admits(amount):
            raise ValueError(f"{amount} exceeds the headroom {self.headroom}")
        return Tally(self.ceiling, self.spent, self.committed + amount)

    def fill(self, committed: Decimal, spent: Decimal) -> Tally:
        """A fill spends ``spent`` against ``committed`` of what was committed for it.

        A fill never costs more than its commitment (its limit price bounds it), so spend +
        commitments never grows here."""
        if spent > committed or committed > self.committed:
            raise ValueError("a fill spends at most what was committed for it")
        return Tally(self.ceiling, self.spent + spent, self.committed - committed)

    def release(self, amount: Decimal) -> Tally:
        """A leg closed: what it still had committed is free again."""
        return Tally(self.ceiling, self.spent, max(Decimal(0), self.committed - amount))


def exceeded_reason(mineral: str, year: int, tally: Tally, amount: Decimal) -> str:
    """The sentence an order that would exceed a ceiling waits with."""
    return (
        f"{mineral} {year} ceiling {_usd(tally.ceiling)} USD: spent {_usd(tally.spent)} + "
        f"committed {_usd(tally.committed)}, this placement {_usd(amount)} "
        f"({_usd(tally.headroom)} left)"
    )


def _usd(amount: Decimal) -> str:
    """Whole dollars with thousands separators, cents only when there are any."""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"
