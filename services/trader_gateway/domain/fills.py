"""A trader's fill on a leg: whether it may be accepted, and the leg it leaves.

This is the money flow (OWASP API6): nothing is emitted unless every check passes.
The gateway owns a leg's fills, so these are all the checks there are: a 201 is
title passed, and no service downstream judges the fill again. Besides what is left,
the limit price, mineral, unit and timing, the origin: an offer leg's fill comes
from the offer's origin, and no fill from an origin the leg's phase excludes.
``fill_leg`` is the transition (the leg after, and the fill to confirm);
``check_fill`` and ``apply_fill`` are its two halves, the second a re-check that
raises rather than over-fill a leg that moved on since the first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from services.trader_gateway.domain.legs import Leg, LegStatus
from services.trader_gateway.domain.values import (
    Refusal,
    RefusalCode,
    identifier_problem,
    is_aware,
    matches_name,
    terms_refusal,
)
from shared.contracts import Unit, require_aware

# Traders stamp fills with their own clocks; a little drift is normal, a fill
# dated well ahead of ours is a client bug or an attempt to game the deadline.
MAX_CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class FillProposal:
    """What a trader may say about a fill. Status, owner and leg totals are not in it
    (no mass assignment, OWASP API3): the gateway derives them."""

    quantity: Decimal
    unit_price: Decimal
    mineral: str
    origin_country: str
    warehouse_id: str
    lot_reference: str
    filled_at: datetime
    # Stated, not assumed: a fill in kg against a leg in tonnes is off by a thousand.
    unit: Unit
    price_per: Unit


@dataclass(frozen=True, slots=True)
class FillAccepted:
    leg_id: str
    order_id: str
    trader_id: str
    mineral: str
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    origin_country: str
    warehouse_id: str
    lot_reference: str
    filled_at: datetime
    remaining_after: Decimal
    leg_filled: Decimal  # the leg's filled total after this fill
    # The reference price in force (USD per ``unit``) and the deviation from it; None
    # when treasury set no reference for the mineral.
    reference_price: Decimal | None = None
    deviation: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FillRefused(Refusal):
    pass


class FillNotApplicable(ValueError):
    """An accepted fill no longer fits the leg it is applied to (a stale read)."""


@dataclass(frozen=True, slots=True)
class Filled:
    """A fill accepted on a leg: the leg it leaves, and the fill to confirm."""

    leg: Leg
    fill: FillAccepted


# One refusal for "no such leg" and "someone else's leg": a different answer would
# let a trader probe for other traders' orders (OWASP API1).
LEG_NOT_FOUND = FillRefused(RefusalCode.NOT_FOUND, "leg not found")


def check_fill(
    leg: Leg | None,
    proposal: FillProposal,
    trader_id: str,
    now: datetime,
    *,
    clock_skew: timedelta = MAX_CLOCK_SKEW,
) -> FillAccepted | FillRefused:
    require_aware(now, "now")
    if leg is None or leg.trader_id != trader_id:
        return LEG_NOT_FOUND
    refusal = (
        _leg_state_refusal(leg, now)
        or _proposal_refusal(proposal)
        or _timing_refusal(leg, proposal.filled_at, now, clock_skew)
        or _against_leg_refusal(leg, proposal)
    )
    if refusal is not None:
        return refusal
    return FillAccepted(
        leg_id=leg.leg_id,
        order_id=leg.order_id,
        trader_id=leg.trader_id,
        # The leg's spelling, not the trader's: downstream keys on the catalogue name.
        mineral=leg.mineral,
        unit=leg.unit,
        quantity=proposal.quantity,
        unit_price=proposal.unit_price,
        origin_country=proposal.origin_country.upper(),
        warehouse_id=proposal.warehouse_id,
        lot_reference=proposal.lot_reference,
        filled_at=proposal.filled_at,
        remaining_after=leg.remaining - proposal.quantity,
        leg_filled=leg.filled_quantity + proposal.quantity,
    )


def fill_leg(
    leg: Leg | None,
    proposal: FillProposal,
    trader_id: str,
    now: datetime,
    *,
    clock_skew: timedelta = MAX_CLOCK_SKEW,
) -> Filled | FillRefused:
    """Fill ``leg`` (None: no such leg) as the trader proposes, or say why not."""
    result = check_fill(leg, proposal, trader_id, now, clock_skew=clock_skew)
    if isinstance(result, FillRefused):
        return result
    assert leg is not None, "check_fill accepts only a leg it was given"
    return Filled(apply_fill(leg, result), result)


def apply_fill(leg: Leg, accepted: FillAccepted) -> Leg:
    """The leg after an accepted fill. Raises if the leg moved on since the check,
    so a handler that re-reads the leg inside its transaction cannot over-fill."""
    if accepted.leg_id != leg.leg_id or accepted.trader_id != leg.trader_id:
        raise FillNotApplicable("fill belongs to another leg")
    if not leg.is_open:
        raise FillNotApplicable(f"leg is {leg.status}")
    if accepted.quantity > leg.available:
        raise FillNotApplicable("fill exceeds what is left on the leg")
    filled = leg.filled_quantity + accepted.quantity
    status = LegStatus.FILLED if filled == leg.quantity else LegStatus.PARTIALLY_FILLED
    return replace(leg, filled_quantity=filled, status=status)


def _leg_state_refusal(leg: Leg, now: datetime) -> FillRefused | None:
    if not leg.is_open:
        return FillRefused(
            RefusalCode.LEG_NOT_OPEN, f"leg is {leg.status}; only open legs accept fills"
        )
    if now > leg.deadline:
        return FillRefused(RefusalCode.DEADLINE_PASSED, "the leg's deadline has passed")
    return None


def _proposal_refusal(proposal: FillProposal) -> FillRefused | None:
    refusal = terms_refusal(
        FillRefused, proposal.quantity, proposal.unit_price, proposal.origin_country
    )
    if refusal is not None:
        return refusal
    for name in ("mineral", "warehouse_id", "lot_reference"):
        problem = identifier_problem(getattr(proposal, name), name)
        if problem is not None:
            return FillRefused(RefusalCode.VALIDATION, problem, name)
    if not is_aware(proposal.filled_at):
        return FillRefused(
            RefusalCode.VALIDATION, "filled_at must include a timezone offset", "filled_at"
        )
    return None


def _timing_refusal(
    leg: Leg, filled_at: datetime, now: datetime, clock_skew: timedelta
) -> FillRefused | None:
    if filled_at > now + clock_skew:
        return FillRefused(
            RefusalCode.FILLED_AT_IN_FUTURE, "filled_at is in the future", "filled_at"
        )
    if filled_at > leg.deadline:
        return FillRefused(
            RefusalCode.DEADLINE_PASSED, "filled_at is after the leg's deadline", "filled_at"
        )
    # A fill is title passing on this leg, so it cannot predate the leg (give or take
    # clock drift); without this floor a fill could be dated in year 1.
    if leg.routed_at is not None and filled_at < leg.routed_at - clock_skew:
        return FillRefused(
            RefusalCode.FILLED_AT_BEFORE_LEG,
            "filled_at is before the leg was routed to you",
            "filled_at",
            (("routed_at", leg.routed_at.isoformat()),),
        )
    return None


def _against_leg_refusal(leg: Leg, proposal: FillProposal) -> FillRefused | None:
    if not matches_name(proposal.mineral, leg.mineral):
        return FillRefused(
            RefusalCode.MINERAL_MISMATCH, f"this leg is for {leg.mineral}", "mineral"
        )
    for name, unit in (("quantity.unit", proposal.unit), ("unit_price.per", proposal.price_per)):
        if unit is not leg.unit:
            return FillRefused(
                RefusalCode.UNIT_MISMATCH,
                f"this leg is quantified in {leg.unit}; {name} must be {leg.unit}",
                name,
                (("unit", str(leg.unit)),),
            )
    origin = _origin_refusal(leg, proposal.origin_country.upper())
    if origin is not None:
        return origin
    if proposal.quantity > leg.available:
        held = f" ({leg.pending_quantity} more await approval)" if leg.pending_quantity else ""
        return FillRefused(
            RefusalCode.OVER_FILL,
            f"quantity {proposal.quantity} exceeds the {leg.available} {leg.unit} left on this "
            f"leg{held}",
            "quantity",
            (("remaining", str(leg.available)), ("unit", str(leg.unit))),
        )
    if leg.limit_price is not None and proposal.unit_price > leg.limit_price:
        return FillRefused(
            RefusalCode.PRICE_ABOVE_LIMIT,
            f"unit_price {proposal.unit_price} is above the limit price {leg.limit_price}",
            "unit_price",
            (("limit_price", str(leg.limit_price)),),
        )
    return None


def _origin_refusal(leg: Leg, origin: str) -> FillRefused | None:
    if leg.origin_country is not None and origin != leg.origin_country:
        return FillRefused(
            RefusalCode.ORIGIN_MISMATCH,
            f"this leg takes an offer of origin {leg.origin_country}; "
            f"origin_country must be {leg.origin_country}",
            "origin_country",
            (("origin_country", leg.origin_country),),
        )
    if origin in leg.excluded_origins:
        return FillRefused(
            RefusalCode.ORIGIN_EXCLUDED,
            f"origin {origin} is excluded in this leg's phase",
            "origin_country",
            (("excluded_origins", ",".join(sorted(leg.excluded_origins))),),
        )
    return None
