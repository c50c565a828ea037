"""Turn a ranking and the legs taken from it into the per-offer record of a decision."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from services.sourcing.domain import reasons
from services.sourcing.domain.eligibility import Screening
from services.sourcing.domain.legs import OfferLeg
from services.sourcing.domain.record import Consideration, Outcome
from services.sourcing.domain.supply import Offer
from services.sourcing.domain.values import TIER_PREFERENCE, Phase, Tier
from services.sourcing.domain.waterfall import Ranking


def considerations(
    screening: Screening, ranking: Ranking, legs: Sequence[OfferLeg], phase: Phase
) -> tuple[Consideration, ...]:
    """Every offer in the book: ranked ones in waterfall order, then the ineligible."""
    taken = {leg.offer_id: leg.quantity for leg in legs}
    taken_tiers = {leg.tier for leg in legs}
    record: list[Consideration] = []
    for position, candidate in enumerate(ranking.candidates, start=1):
        quantity = taken.get(candidate.offer.offer_id, Decimal(0))
        if quantity > 0:
            outcome, reason = Outcome.TAKEN, reasons.taken_note(candidate, ranking)
        else:
            outcome = Outcome.PASSED_OVER
            reason = reasons.passed_over(candidate, ranking, phase, taken_tiers)
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
    return Consideration(
        offer_id=offer.offer_id,
        trader_id=offer.trader_id,
        origin_country=offer.origin_country,
        tier=tier,
        unit_price=offer.unit_price,
        available_on=offer.available_on,
        outcome=outcome,
        rank=rank,
        quantity_taken=quantity,
        reason=reason,
    )
