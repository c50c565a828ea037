"""The words a decision uses to explain itself, built in one place so they stay consistent."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from services.sourcing.domain.eligibility import Candidate
from services.sourcing.domain.values import (
    TIER_PREFERENCE,
    format_percent,
    format_price,
    format_quantity,
)
from services.sourcing.domain.waterfall import Ranking
from shared.contracts import Phase, Tier, Unit


def beyond_cap(candidate: Candidate, ranking: Ranking) -> str:
    best = ranking.best_allied_price
    if best is None:
        raise ValueError("an offer can only be beyond the cap when an allied offer sets it")
    premium = (candidate.offer.unit_price - best) / best
    return (
        f"beyond domestic premium cap ({format_percent(premium)} over best allied "
        f"{format_price(best)})"
    )


def taken_note(candidate: Candidate, ranking: Ranking) -> str:
    if ranking.is_beyond_cap(candidate):
        return f"{beyond_cap(candidate, ranking)}; taken after cheaper allied offers"
    return ""


def passed_over(
    candidate: Candidate, ranking: Ranking, phase: Phase, taken_tiers: Collection[Tier]
) -> str:
    if phase is Phase.INITIAL_FILL:
        return "request covered by sooner or cheaper offers"
    if ranking.is_beyond_cap(candidate):
        return beyond_cap(candidate, ranking)
    better = [t for t in TIER_PREFERENCE if t in taken_tiers and _prefers(t, candidate.tier)]
    if not better:
        return "request covered by cheaper offers of the same tier"
    if candidate.tier is Tier.ALLIED:
        # The ranking puts an allied offer after a domestic one only when the
        # domestic premium over it is within the cap.
        return "lower tier: domestic covers within cap"
    verb = "covers" if len(better) == 1 else "cover"
    return f"lower tier: {' and '.join(better)} {verb}"


def uncovered(quantity: Decimal, unit: Unit) -> str:
    return f"no offer covers {format_quantity(quantity, unit)}"


def _prefers(better: Tier, than: Tier) -> bool:
    return TIER_PREFERENCE.index(better) < TIER_PREFERENCE.index(than)
