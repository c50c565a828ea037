"""Which offers in the book may serve a request at all, and why the others may not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from services.sourcing.domain.legs import Leg, OfferLeg
from services.sourcing.domain.policy import TierPolicy, excluded_origins, tier_of
from services.sourcing.domain.procurement import ProcurementRequest
from services.sourcing.domain.supply import Offer, SupplyBook
from services.sourcing.domain.traders import TraderRoster
from services.sourcing.domain.values import format_price
from shared.contracts import Phase, Tier


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


# One of these per offer per decision: named tuples, as immutable as a frozen
# dataclass and several times cheaper to build in the hot loop.
class Candidate(NamedTuple):
    """An eligible offer and how much of it is left to take."""

    offer: Offer
    tier: Tier
    available: Decimal


class Ineligible(NamedTuple):
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
    allowed_origins: frozenset[str] = frozenset(),
) -> Screening:
    """Sort the offers of the request's mineral into candidates and ineligible, with reasons.

    Offers of other minerals are not considered at all: they could never serve the
    request, and listing them made every decision's record as long as the whole book.
    """
    candidates: list[Candidate] = []
    ineligible: list[Ineligible] = []
    rules = _Rules(request, phase, policy, roster, now, exclusions, allowed_origins)
    tiers: dict[str, Tier] = {}
    for offer in book.offers_of(request.mineral):
        country = offer.origin_country
        tier = tiers.get(country)
        if tier is None:
            tier = tiers[country] = tier_of(policy, country)
        available = book.remaining(offer.offer_id)
        reason = rules.reason_ineligible(offer, available)
        if reason is None:
            candidates.append(Candidate(offer, tier, available))
        else:
            ineligible.append(Ineligible(offer, tier, reason))
    return Screening(candidates=tuple(candidates), ineligible=tuple(ineligible))


class _Rules:
    """The eligibility rules for one request, with what they share looked up once."""

    def __init__(
        self,
        request: ProcurementRequest,
        phase: Phase,
        policy: TierPolicy,
        roster: TraderRoster,
        now: datetime,
        exclusions: Exclusions,
        allowed_origins: frozenset[str],
    ) -> None:
        self.request = request
        self.phase = phase
        # An origin approved for the order (excluded_origin) is eligible whatever the phase.
        self.excluded_origins = excluded_origins(policy, phase) - allowed_origins
        self.excluded_offers = exclusions.offer_ids
        self.now = now
        self.trader_reasons: dict[str, str | None] = {}
        self.roster = roster
        # Worded once per request rather than once per offer.
        self.deliver_by = request.deliver_by.isoformat()
        self.limit = None if request.limit_price is None else format_price(request.limit_price)

    def reason_ineligible(self, offer: Offer, available: Decimal) -> str | None:
        # Order matters only for which reason is recorded: the most fundamental first.
        request = self.request
        if offer.offer_id in self.excluded_offers:
            return "excluded after failed leg"
        if available <= 0:
            return "no quantity left in supply book"
        trader_reason = self._trader_reason(offer.trader_id)
        if trader_reason is not None:
            return trader_reason
        if offer.origin_country in self.excluded_origins:
            return f"excluded origin in phase ({offer.origin_country} in {self.phase})"
        if offer.is_expired(self.now):
            return f"expired ({offer.valid_until.isoformat()})"
        if offer.available_on > request.deliver_by:
            return (
                f"not available by deliver_by ({offer.available_on.isoformat()} > "
                f"{self.deliver_by})"
            )
        if request.limit_price is not None and offer.unit_price > request.limit_price:
            return f"above limit price ({format_price(offer.unit_price)} > {self.limit})"
        return None

    def _trader_reason(self, trader_id: str) -> str | None:
        # Legs go only to specialists registered for the market, offer legs included:
        # an offer from anyone else is recorded, never taken.
        if trader_id not in self.trader_reasons:
            trader = self.roster.trader(trader_id)
            market = self.request.market
            reason = None
            if trader is None:
                reason = f"trader not registered for market {market}"
            elif not trader.active:
                reason = "trader inactive"
            elif market not in trader.markets:
                reason = f"trader not registered for market {market}"
            self.trader_reasons[trader_id] = reason
        return self.trader_reasons[trader_id]
