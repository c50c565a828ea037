"""allocate: split a request into legs over the supply book, then mandate the rest."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.sourcing.domain import explain, reasons
from services.sourcing.domain.eligibility import NO_EXCLUSIONS, Exclusions, screen
from services.sourcing.domain.errors import InvalidValue
from services.sourcing.domain.exceptions import (
    Approval,
    allowed_origins,
    preferred_traders,
    waives_premium_cap,
)
from services.sourcing.domain.legs import MandateLeg, OfferLeg, leg_id
from services.sourcing.domain.policy import TierPolicy
from services.sourcing.domain.procurement import ProcurementRequest
from services.sourcing.domain.record import Decision, OpenRemainder
from services.sourcing.domain.routing import route_mandates
from services.sourcing.domain.supply import SupplyBook
from services.sourcing.domain.traders import TraderRoster
from services.sourcing.domain.values import require_decimal
from services.sourcing.domain.waterfall import Ranking, rank
from shared.contracts import Phase, require_aware


@dataclass(frozen=True, slots=True, kw_only=True)
class SourcingContext:
    """What a decision is taken against: the mineral's phase, the policy, the books, the time."""

    phase: Phase
    policy: TierPolicy
    book: SupplyBook
    roster: TraderRoster
    now: datetime
    approvals: tuple[Approval, ...] = ()
    """Policy exceptions a program admin approved for the order (``domain/exceptions.py``)."""

    def __post_init__(self) -> None:
        require_aware(self.now, "now")

    def after(self, allocation: Allocation) -> SourcingContext:
        """This context with the supply and exposures the allocation left."""
        return replace(self, book=allocation.book, roster=allocation.roster)


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    decision: Decision
    book: SupplyBook
    """The supply book less what the offer legs took."""
    roster: TraderRoster
    """Exposures plus every leg opened."""


def allocate(
    request: ProcurementRequest,
    context: SourcingContext,
    *,
    quantity: Decimal | None = None,
    first_sequence: int = 1,
    exclusions: Exclusions = NO_EXCLUSIONS,
) -> Allocation:
    """Place `quantity` (default: the whole request) on offers, then on specialists.

    To retry an open remainder when new offers arrive, call again with
    `quantity=decision.open_remainder.quantity`,
    `first_sequence=decision.next_sequence` and `exclusions=decision.exclusions`.
    """
    return place(
        request,
        context,
        quantity=request.quantity if quantity is None else quantity,
        first_sequence=first_sequence,
        exclusions=exclusions,
        cascaded_from=None,
    )


def place(
    request: ProcurementRequest,
    context: SourcingContext,
    *,
    quantity: Decimal,
    first_sequence: int,
    exclusions: Exclusions,
    cascaded_from: str | None,
) -> Allocation:
    """allocate, for callers that also say which failed leg the quantity cascades from."""
    require_decimal(quantity, "quantity to place")
    if quantity > request.quantity:
        raise InvalidValue(f"cannot place {quantity}, more than the {request.quantity} requested")
    if first_sequence < 1:
        raise InvalidValue(f"leg sequence starts at 1, got {first_sequence}")
    policy = context.policy
    screening = screen(
        request,
        context.book,
        phase=context.phase,
        policy=policy,
        roster=context.roster,
        now=context.now,
        exclusions=exclusions,
        allowed_origins=allowed_origins(context.approvals),
    )
    waived = waives_premium_cap(context.approvals)
    ranking = rank(
        screening.candidates,
        phase=context.phase,
        premium_cap=None if waived else policy.domestic_premium_cap,
    )
    legs = _take_offers(request, ranking, quantity, first_sequence)
    book = context.book.consume({leg.offer_id: leg.quantity for leg in legs})
    roster = context.roster.committing(
        (leg.trader_id, leg.quantity, leg.open_value) for leg in legs
    )

    uncovered = quantity - sum((leg.quantity for leg in legs), Decimal(0))
    mandates: tuple[MandateLeg, ...] = ()
    open_remainder = None
    if uncovered > 0:
        routing = route_mandates(
            request,
            uncovered,
            phase=context.phase,
            policy=policy,
            roster=roster,
            exclusions=exclusions,
            first_sequence=first_sequence + len(legs),
            preferred=preferred_traders(context.approvals),
        )
        mandates, roster = routing.mandates, routing.roster
        if routing.unrouted > 0:
            open_remainder = OpenRemainder(
                quantity=routing.unrouted,
                reason=f"{reasons.uncovered(uncovered, request.unit)}; {routing.reason}",
            )

    by_tier = explain.tier_quantities(legs)
    decision = Decision(
        request_id=request.request_id,
        mineral=request.mineral,
        market=request.market,
        phase=context.phase,
        policy_version=policy.version,
        quantity=quantity,
        offer_legs=tuple(legs),
        mandate_legs=mandates,
        considerations=explain.considerations(screening, ranking, legs, context.phase),
        winning_tier=explain.winning_tier(by_tier),
        tier_quantities=by_tier,
        best_allied_price=ranking.best_allied_price,
        domestic_price_cap=ranking.domestic_price_cap,
        open_remainder=open_remainder,
        exclusions=exclusions,
        cascaded_from=cascaded_from,
        next_sequence=first_sequence + len(legs) + len(mandates),
        approvals=context.approvals,
    )
    return Allocation(decision=decision, book=book, roster=roster)


def _take_offers(
    request: ProcurementRequest, ranking: Ranking, quantity: Decimal, first_sequence: int
) -> list[OfferLeg]:
    left = quantity
    legs: list[OfferLeg] = []
    for candidate in ranking.candidates:
        if left <= 0:
            break
        take = min(left, candidate.available)
        sequence = first_sequence + len(legs)
        offer = candidate.offer
        legs.append(
            OfferLeg(
                leg_id=leg_id(request.request_id, sequence),
                request_id=request.request_id,
                sequence=sequence,
                offer_id=offer.offer_id,
                trader_id=offer.trader_id,
                mineral=offer.mineral,
                tier=candidate.tier,
                origin_country=offer.origin_country,
                quantity=take,
                unit_price=offer.unit_price,
                warehouse=offer.warehouse,
                available_on=offer.available_on,
                deliver_by=request.deliver_by,
            )
        )
        left -= take
    return legs
