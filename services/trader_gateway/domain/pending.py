"""A fill's price against treasury's reference: recorded on every fill, and beyond the
mineral's tolerance held for a program admin's approval instead of counted.

``fill_or_hold`` is ``fills.fill_leg`` with the price check: inside the tolerance (or
without a reference or a tolerance) the fill is filled as before, with the reference and
deviation recorded; beyond it the fill is ``Held``: answered 202, nothing emitted, its
quantity held on the leg (``Leg.pending_quantity``) so no other fill or decline can take
it. ``approve_pending`` makes it a fill then (emitted like any other, in the leg's order);
``release_pending`` gives its quantity back (rejected, or its leg closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from services.trader_gateway.domain.fills import (
    MAX_CLOCK_SKEW,
    FillAccepted,
    Filled,
    FillNotApplicable,
    FillProposal,
    FillRefused,
    apply_fill,
    check_fill,
)
from services.trader_gateway.domain.legs import Leg
from shared.treasury_rules import PriceCheck, ReferencePrice, in_force, price_check

MAX_DECISION_REASON = 500
LEG_CLOSED_BEFORE_APPROVAL = "the leg closed ({reason}) before the fill was approved"


class PendingStatus(StrEnum):
    PENDING = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class PriceBook:
    """What the gateway learnt from treasury: reference prices, tolerances per mineral."""

    prices: tuple[ReferencePrice, ...] = ()
    tolerances: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, prices: Iterable[ReferencePrice], tolerances: Mapping[str, Decimal]) -> PriceBook:
        return cls(tuple(prices), dict(tolerances))

    def check(self, fill: FillAccepted) -> PriceCheck | None:
        """The fill against the reference in force on its day (UTC); None: no reference."""
        day = fill.filled_at.astimezone(UTC).date()
        reference = in_force(self.prices, fill.mineral, day)
        return price_check(
            fill.unit_price, fill.unit.value, reference, self.tolerances.get(fill.mineral)
        )


@dataclass(frozen=True, slots=True)
class Held:
    """A fill beyond the tolerance: the leg holding its quantity, the fill as proposed
    (its leg totals are set again on approval) and the check that held it."""

    leg: Leg
    fill: FillAccepted
    check: PriceCheck


def fill_or_hold(
    leg: Leg | None,
    proposal: FillProposal,
    trader_id: str,
    now: datetime,
    prices: PriceBook,
    *,
    clock_skew: timedelta = MAX_CLOCK_SKEW,
) -> Filled | Held | FillRefused:
    accepted = check_fill(leg, proposal, trader_id, now, clock_skew=clock_skew)
    if isinstance(accepted, FillRefused):
        return accepted
    assert leg is not None, "check_fill accepts only a leg it was given"
    check = prices.check(accepted)
    if check is not None:
        accepted = replace(accepted, reference_price=check.reference, deviation=check.deviation)
    if check is not None and check.needs_approval:
        return Held(hold_fill(leg, accepted), accepted, check)
    return Filled(apply_fill(leg, accepted), accepted)


def hold_fill(leg: Leg, accepted: FillAccepted) -> Leg:
    """The leg with ``accepted``'s quantity held; raises if it no longer fits."""
    if accepted.leg_id != leg.leg_id or not leg.is_open:
        raise FillNotApplicable("fill belongs to another leg, or the leg is not open")
    if accepted.quantity > leg.available:
        raise FillNotApplicable("fill exceeds what is left on the leg")
    return replace(leg, pending_quantity=leg.pending_quantity + accepted.quantity)


def approve_pending(leg: Leg, pending: FillAccepted) -> Filled:
    """The held fill counted: its quantity moves from pending to filled, and the fill
    carries the leg's totals as the approval leaves them."""
    if pending.leg_id != leg.leg_id or not leg.is_open:
        raise FillNotApplicable("fill belongs to another leg, or the leg is not open")
    if pending.quantity > leg.pending_quantity:
        raise FillNotApplicable("the leg does not hold this fill's quantity")
    released = replace(leg, pending_quantity=leg.pending_quantity - pending.quantity)
    fill = replace(
        pending,
        leg_filled=leg.filled_quantity + pending.quantity,
        remaining_after=leg.remaining - pending.quantity,
    )
    return Filled(apply_fill(released, fill), fill)


def release_pending(leg: Leg, quantity: Decimal) -> Leg:
    """The leg with ``quantity`` no longer held (the fill rejected)."""
    if quantity > leg.pending_quantity:
        raise FillNotApplicable("the leg does not hold this quantity")
    return replace(leg, pending_quantity=leg.pending_quantity - quantity)


def decision_reason_problem(reason: str) -> str | None:
    text = reason.strip()
    if not text:
        return "a decision needs a reason"
    if len(text) > MAX_DECISION_REASON or not text.isprintable():
        return f"reason must be printable text of at most {MAX_DECISION_REASON} characters"
    return None
