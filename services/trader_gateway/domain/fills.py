"""Whether a trader's fill confirmation may be accepted against a leg, and its effect.

This is the money flow (OWASP API6): nothing is emitted unless every check passes.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from services.trader_gateway.domain.legs import Leg, LegStatus, Unit
from services.trader_gateway.domain.refusals import Refusal, RefusalCode
from services.trader_gateway.domain.values import (
    amount_problem,
    identifier_problem,
    is_aware,
    matches_name,
    normalise_country,
    require_aware,
)

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


@dataclass(frozen=True, slots=True)
class FillRefused(Refusal):
    pass


class FillNotApplicable(ValueError):
    """An accepted fill no longer fits the leg it is applied to (a stale read)."""


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
    )


def apply_fill(leg: Leg, accepted: FillAccepted) -> Leg:
    """The leg after an accepted fill. Raises if the leg moved on since the check,
    so a handler that re-reads the leg inside its transaction cannot over-fill."""
    if accepted.leg_id != leg.leg_id or accepted.trader_id != leg.trader_id:
        raise FillNotApplicable("fill belongs to another leg")
    if not leg.is_open:
        raise FillNotApplicable(f"leg is {leg.status}")
    if accepted.quantity > leg.remaining:
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
    problem = amount_problem(proposal.quantity, "quantity")
    if problem is not None:
        return FillRefused(RefusalCode.INVALID_QUANTITY, problem, "quantity")
    problem = amount_problem(proposal.unit_price, "unit_price")
    if problem is not None:
        return FillRefused(RefusalCode.INVALID_PRICE, problem, "unit_price")
    if normalise_country(proposal.origin_country) is None:
        return FillRefused(
            RefusalCode.INVALID_ORIGIN_COUNTRY,
            "origin_country must be an ISO 3166-1 alpha-2 code such as 'AU'",
            "origin_country",
        )
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
    if proposal.quantity > leg.remaining:
        return FillRefused(
            RefusalCode.OVER_FILL,
            f"quantity {proposal.quantity} exceeds the {leg.remaining} {leg.unit} left on this leg",
            "quantity",
            (("remaining", str(leg.remaining)), ("unit", str(leg.unit))),
        )
    if leg.limit_price is not None and proposal.unit_price > leg.limit_price:
        return FillRefused(
            RefusalCode.PRICE_ABOVE_LIMIT,
            f"unit_price {proposal.unit_price} is above the limit price {leg.limit_price}",
            "unit_price",
            (("limit_price", str(leg.limit_price)),),
        )
    return None
