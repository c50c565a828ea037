"""Specialist routing: what no offer covers becomes mandates to the market's specialists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.sourcing.domain.eligibility import Exclusions
from services.sourcing.domain.legs import MandateLeg, leg_id
from services.sourcing.domain.policy import TierPolicy, excluded_origins, tier_preference
from services.sourcing.domain.procurement import ProcurementRequest
from services.sourcing.domain.traders import TraderRoster
from shared.contracts import Phase


@dataclass(frozen=True, slots=True, kw_only=True)
class Routing:
    mandates: tuple[MandateLeg, ...]
    roster: TraderRoster
    unrouted: Decimal
    reason: str | None
    """Why `unrouted` could not be mandated; None when everything was."""


def route_mandates(
    request: ProcurementRequest,
    quantity: Decimal,
    *,
    phase: Phase,
    policy: TierPolicy,
    roster: TraderRoster,
    exclusions: Exclusions,
    first_sequence: int,
    preferred: tuple[str, ...] = (),
) -> Routing:
    """Mandate `quantity` to specialists best rank first, each up to the room it has;
    to the ``preferred`` traders (approved for the order) before them.

    A mandate is bounded by the request's limit price, which is also what its
    exposure is valued at. Without a limit price a mandate's value is unbounded,
    so no specialist's exposure limit can be checked and nothing is mandated:
    pricing discipline over speed, and the quantity stays open for offers.
    """
    registered = roster.specialists(request.market)
    # Traders a program admin approved for this order (non_primary_trader) go first.
    approved = [
        t
        for t in (roster.trader(trader_id) for trader_id in preferred)
        if t is not None and t.active and t.trader_id not in exclusions.specialist_ids
    ]
    if not registered and not approved:
        return _unrouted(quantity, roster, f"no specialist registered for market {request.market}")
    active = [t for t in registered if t.active]
    if not active and not approved:
        return _unrouted(quantity, roster, f"no active specialist for market {request.market}")
    usable = approved + [
        t
        for t in active
        if t.trader_id not in exclusions.specialist_ids and t.trader_id not in preferred
    ]
    if not usable:
        return _unrouted(
            quantity, roster, f"every specialist for market {request.market} already failed"
        )
    limit = request.limit_price
    if limit is None:
        return _unrouted(quantity, roster, "no limit price to bound a specialist's exposure")

    mandates: list[MandateLeg] = []
    left = quantity
    for trader in usable:
        if left <= 0:
            break
        take = min(left, roster.room(trader, limit))
        if take <= 0:
            continue
        sequence = first_sequence + len(mandates)
        mandates.append(
            MandateLeg(
                leg_id=leg_id(request.request_id, sequence),
                request_id=request.request_id,
                sequence=sequence,
                trader_id=trader.trader_id,
                mineral=request.mineral,
                market=request.market,
                quantity=take,
                limit_price=limit,
                tier_preference=tier_preference(phase),
                excluded_origins=excluded_origins(policy, phase),
                policy_version=policy.version,
                deliver_by=request.deliver_by,
            )
        )
        roster = roster.committing([(trader.trader_id, take, take * limit)])
        left -= take
    reason = None
    if left > 0:
        reason = f"specialists for market {request.market} at capacity or exposure limit"
    return Routing(mandates=tuple(mandates), roster=roster, unrouted=left, reason=reason)


def _unrouted(quantity: Decimal, roster: TraderRoster, reason: str) -> Routing:
    return Routing(mandates=(), roster=roster, unrouted=quantity, reason=reason)
