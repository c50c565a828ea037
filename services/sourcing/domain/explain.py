"""Turn a ranking and the legs taken from it into the per-offer record of a decision."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from services.sourcing.domain import reasons
from services.sourcing.domain.eligibility import Screening
from services.sourcing.domain.legs import OfferLeg
from services.sourcing.domain.record import Consideration, Outcome
from services.sourcing.domain.supply import Offer
from services.sourcing.domain.values import TIER_PREFERENCE
from services.sourcing.domain.waterfall import Ranking
from shared.contracts import Phase, Tier


def considerations(
    screening: Screening, ranking: Ranking, legs: Sequence[OfferLeg], phase: Phase
) -> tuple[Consideration, ...]:
    """Every offer of the mineral: ranked ones in waterfall order, then the ineligible."""
    taken = {leg.offer_id: leg.quantity for leg in legs}
    taken_tiers = {leg.tier for leg in legs}
    # Below the cap, why an offer was passed over depends only on its tier: worded once.
    by_tier: dict[Tier, str] = {}
    record: list[Consideration] = []
    for position, candidate in enumerate(ranking.candidates, start=1):
        quantity = taken.get(candidate.offer.offer_id, Decimal(0))
        if quantity > 0:
            outcome, reason = Outcome.TAKEN, reasons.taken_note(candidate, ranking)
        else:
            outcome = Outcome.PASSED_OVER
            if ranking.is_beyond_cap(candidate):
                reason = reasons.beyond_cap(candidate, ranking)
            elif candidate.tier in by_tier:
                reason = by_tier[candidate.tier]
            else:
                reason = reasons.passed_over(candidate, ranking, phase, taken_tiers)
                by_tier[candidate.tier] = reason
        record.append(_of(candidate.offer, candidate.tier, outcome, reason, position, quantity))
    for item in screening.ineligible:
        record.append(_of(item.offer, item.tier, Outcome.INELIGIBLE, item.reason, None, Decimal(0)))
    return tuple(record)


def tier_quantities(legs: Sequence[OfferLeg]) -> tuple[tuple[Tier, Decimal], ...]:
    """Offer quantity taken per tier, preferred tier first, tiers with nothing left out."""
    totals = dict.fromkeys(TIER_PREFERENCE, Decimal(0))
    for leg in legs:
        totals[leg.tier] += leg.quantity
    return tuple((tier, total) for tier, total in totals.items() if total > 0)


def winning_tier(quantities: Sequence[tuple[Tier, Decimal]]) -> Tier | None:
    # max() keeps the first of equal totals, and quantities are in preference order.
    if not quantities:
        return None
    return max(quantities, key=lambda pair: pair[1])[0]


def _of(
    offer: Offer,
    tier: Tier,
    outcome: Outcome,
    reason: str,
    rank: int | None,
    quantity: Decimal,
) -> Consideration:
    # Positional: the fields' order in Consideration, and the cheapest way to build one.
    return Consideration(
        offer.offer_id,
        offer.trader_id,
        offer.origin_country,
        tier,
        offer.unit_price,
        offer.available_on,
        outcome,
        rank,
        quantity,
        reason,
    )
