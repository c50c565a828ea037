"""Several fills in one request, decided as if sent one after another."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.trader_gateway.domain.fills import (
    MAX_CLOCK_SKEW,
    FillAccepted,
    Filled,
    FillProposal,
    FillRefused,
)
from services.trader_gateway.domain.legs import Leg
from services.trader_gateway.domain.pending import Held, PriceBook, fill_or_hold
from services.trader_gateway.domain.values import RefusalCode

# Bounded so one request cannot hold a transaction open over thousands of legs (OWASP API4).
MAX_BATCH_SIZE = 100


@dataclass(frozen=True, slots=True)
class BatchFill:
    leg_id: str
    proposal: FillProposal


@dataclass(frozen=True, slots=True)
class FillBatchResult:
    """One result per item, in order (each accepted one with the leg as it left it),
    and every leg the batch changed, as it stands after the last of its fills."""

    results: tuple[Filled | Held | FillRefused, ...]
    updated_legs: tuple[Leg, ...]

    @property
    def accepted(self) -> tuple[FillAccepted, ...]:
        return tuple(r.fill for r in self.results if isinstance(r, Filled))


def check_fill_batch(
    legs: Iterable[Leg],
    items: Sequence[BatchFill],
    trader_id: str,
    now: datetime,
    *,
    clock_skew: timedelta = MAX_CLOCK_SKEW,
    prices: PriceBook | None = None,
) -> FillBatchResult | FillRefused:
    """Fill each item against the legs as left by the accepted items before it.

    A refused item does not spoil the others, but two items on one leg can never
    together exceed what was left: the second sees the first's fill (or the quantity
    the first holds, when its price needs approval: ``Held``).
    """
    book = prices or PriceBook()
    if not items:
        return FillRefused(RefusalCode.VALIDATION, "a batch needs at least one fill", "fills")
    if len(items) > MAX_BATCH_SIZE:
        return FillRefused(
            RefusalCode.BATCH_TOO_LARGE,
            f"a batch may hold at most {MAX_BATCH_SIZE} fills",
            "fills",
            (("max_batch_size", str(MAX_BATCH_SIZE)),),
        )
    working: dict[str, Leg] = {}
    for leg in legs:
        if leg.leg_id in working:
            raise ValueError(f"leg {leg.leg_id} given twice")
        working[leg.leg_id] = leg
    changed: dict[str, Leg] = {}
    results: list[Filled | Held | FillRefused] = []
    for item in items:
        result = fill_or_hold(
            working.get(item.leg_id), item.proposal, trader_id, now, book, clock_skew=clock_skew
        )
        if not isinstance(result, FillRefused):
            working[item.leg_id] = changed[item.leg_id] = result.leg
        results.append(result)
    return FillBatchResult(tuple(results), tuple(changed.values()))
