"""Which offers in the book may serve a request at all, and why the others may not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from services.sourcing.domain.legs import Leg, OfferLeg
from services.sourcing.domain.policy import TierPolicy, is_excluded, tier_of
from services.sourcing.domain.procurement import ProcurementRequest
from services.sourcing.domain.supply import Offer, SupplyBook
from services.sourcing.domain.traders import TraderRoster
from services.sourcing.domain.values import Phase, Tier, format_price


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Offers and specialists a request must not go back to after their legs failed."""

    offer_ids: frozenset[str] = field(default_factory=frozenset)
    specialist_ids: frozenset[str] = field(default_factory=frozenset)

    def after_failure(self, leg: Leg) -> Exclusions:
        # A failed offer leg rules out that offer, not its trader's other offers
        # (another warehouse may well deliver); a failed mandate rules out the
        # specialist for the rest of this request.
        if isinstance(leg, OfferLeg):
            return Exclusions(self.offer_ids | {leg.offer_id}, self.specialist_ids)
        return Exclusions(self.offer_ids, self.specialist_ids | {leg.trader_id})


NO_EXCLUSIONS = Exclusions()


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """An eligible offer and how much of it is left to take."""

    offer: Offer
    tier: Tier
    available: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Ineligible:
    offer: Offer
    tier: Tier
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Screening:
    candidates: tuple[Candidate, ...]
    ineligible: tuple[Ineligible, ...]


def screen(
    request: ProcurementRequest,
    book: SupplyBook,
    *,
    phase: Phase,
    policy: TierPolicy,
    roster: TraderRoster,
    now: datetime,
    exclusions: Exclusions,
) -> Screening:
    candidates: list[Candidate] = []
    ineligible: list[Ineligible] = []
    for offer in book:
        tier = tier_of(policy, offer.origin_country)
        available = book.remaining(offer.offer_id)
        reason = _reason_ineligible(
            offer, available, request, phase, policy, roster, now, exclusions
        )
        if reason is None:
            candidates.append(Candidate(offer=offer, tier=tier, available=available))
        else:
            ineligible.append(Ineligible(offer=offer, tier=tier, reason=reason))
    return Screening(candidates=tuple(candidates), ineligible=tuple(ineligible))


def _reason_ineligible(
    offer: Offer,
    available: Decimal,
    request: ProcurementRequest,
    phase: Phase,
    policy: TierPolicy,
    roster: TraderRoster,
    now: datetime,
    exclusions: Exclusions,
) -> str | None:
    # Order matters only for which reason is recorded: the most fundamental first.
    if offer.mineral != request.mineral:
        return f"different mineral ({offer.mineral})"
    if offer.offer_id in exclusions.offer_ids:
        return "excluded after failed leg"
    if available <= 0:
        return "no quantity left in supply book"
    trader = roster.trader(offer.trader_id)
    if trader is not None and not trader.active:
        return "trader inactive"
    if is_excluded(policy, phase, offer.origin_country):
        return f"excluded origin in phase ({offer.origin_country} in {phase})"
    if offer.is_expired(now):
        return f"expired ({offer.valid_until.isoformat()})"
    if offer.available_on > request.deliver_by:
        return f"not available by deliver_by ({offer.available_on} > {request.deliver_by})"
    if request.limit_price is not None and offer.unit_price > request.limit_price:
        return (
            f"above limit price ({format_price(offer.unit_price)} > "
            f"{format_price(request.limit_price)})"
        )
    return None
