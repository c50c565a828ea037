"""Several fill confirmations in one request, checked as if sent one after another."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.trader_gateway.domain.fills import (
    MAX_CLOCK_SKEW,
    FillAccepted,
    FillProposal,
    FillRefused,
    apply_fill,
    check_fill,
)
from services.trader_gateway.domain.legs import Leg
from services.trader_gateway.domain.refusals import RefusalCode

# Bounded so one request cannot hold a transaction open over thousands of legs (OWASP API4).
MAX_BATCH_SIZE = 100


@dataclass(frozen=True, slots=True)
class BatchFill:
    leg_id: str
    proposal: FillProposal


@dataclass(frozen=True, slots=True)
class FillBatchResult:
    """One result per item, in order, and the legs as they stand after the accepted fills."""

    results: tuple[FillAccepted | FillRefused, ...]
    updated_legs: tuple[Leg, ...]

    @property
    def accepted(self) -> tuple[FillAccepted, ...]:
        return tuple(r for r in self.results if isinstance(r, FillAccepted))


def check_fill_batch(
    legs: Iterable[Leg],
    items: Sequence[BatchFill],
    trader_id: str,
    now: datetime,
    *,
    clock_skew: timedelta = MAX_CLOCK_SKEW,
) -> FillBatchResult | FillRefused:
    """Check each item against the legs as left by the accepted items before it.

    A refused item does not spoil the others, but two items on one leg can never
    together exceed what was left: the second sees the first's fill.
    """
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
    results: list[FillAccepted | FillRefused] = []
    for item in items:
        result = check_fill(
            working.get(item.leg_id), item.proposal, trader_id, now, clock_skew=clock_skew
        )
        if isinstance(result, FillAccepted):
            updated = apply_fill(working[item.leg_id], result)
            working[item.leg_id] = updated
            changed[item.leg_id] = updated
        results.append(result)
    return FillBatchResult(tuple(results), tuple(changed.values()))
