"""A trader declining what is left of a leg, so sourcing can cascade it down the waterfall.

``decline_leg`` is the transition (the leg after, and the decline to tell sourcing);
``check_decline`` and ``apply_decline`` are its two halves. A decline is one of a
leg's closings (``closings``): ``DeclineAccepted.closing`` is what sourcing is told.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.trader_gateway.domain.closings import ClosingReason, LegClosing
from services.trader_gateway.domain.legs import Leg, LegStatus
from services.trader_gateway.domain.values import (
    Refusal,
    RefusalCode,
    amount_problem,
    text_problem,
)
from shared.contracts import Unit

MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class DeclineAccepted:
    leg_id: str
    order_id: str
    trader_id: str
    mineral: str
    unit: Unit
    declined_quantity: Decimal
    filled_quantity: Decimal
    reason: str

    def closing(self, at: datetime) -> LegClosing:
        """The leg's closing this decline is: what it took, what it leaves undone."""
        return LegClosing(
            leg_id=self.leg_id,
            order_id=self.order_id,
            trader_id=self.trader_id,
            mineral=self.mineral,
            unit=self.unit,
            reason=ClosingReason.DECLINED,
            quantity=self.filled_quantity + self.declined_quantity,
            filled=self.filled_quantity,
            undone=self.declined_quantity,
            detail=self.reason,
            closed_at=at,
        )


@dataclass(frozen=True, slots=True)
class DeclineRefused(Refusal):
    pass


class DeclineNotApplicable(ValueError):
    """An accepted decline no longer fits the leg it is applied to (a stale read)."""


@dataclass(frozen=True, slots=True)
class Declined:
    """A decline accepted on a leg: the leg it leaves, and the decline to tell sourcing."""

    leg: Leg
    decline: DeclineAccepted


LEG_NOT_FOUND = DeclineRefused(RefusalCode.NOT_FOUND, "leg not found")


def decline_leg(
    leg: Leg | None, trader_id: str, quantity: tuple[Decimal, Unit] | None, reason: str
) -> Declined | DeclineRefused:
    """Decline the remainder of ``leg`` (None: no such leg); a stated quantity must be
    the remainder, in the leg's unit."""
    result = check_decline(leg, trader_id, None if quantity is None else quantity[0], reason)
    if isinstance(result, DeclineRefused):
        return result
    assert leg is not None, "check_decline accepts only a leg it was given"
    if quantity is not None and quantity[1] is not leg.unit:
        return DeclineRefused(
            RefusalCode.UNIT_MISMATCH,
            f"this leg is quantified in {leg.unit}",
            "quantity.unit",
            (("unit", leg.unit.value),),
        )
    return Declined(apply_decline(leg, result), result)


def check_decline(
    leg: Leg | None, trader_id: str, quantity: Decimal | None, reason: str
) -> DeclineAccepted | DeclineRefused:
    """Decline the whole remainder of a leg (the whole leg if nothing was filled).

    A stated quantity is a confirmation, not a partial decline: it must equal what is
    left, so a fill that landed since the trader looked is not silently declined.
    """
    if leg is None or leg.trader_id != trader_id:
        return LEG_NOT_FOUND
    if not leg.is_open:
        return DeclineRefused(
            RefusalCode.LEG_NOT_OPEN, f"leg is {leg.status}; only open legs can be declined"
        )
    if leg.pending_quantity > 0:
        return DeclineRefused(
            RefusalCode.FILL_PENDING,
            f"{leg.pending_quantity} {leg.unit} of this leg await a program admin's approval;"
            " decline once it is approved or rejected",
            None,
            (("pending", str(leg.pending_quantity)),),
        )
    problem = text_problem(reason, "reason", max_length=MAX_REASON_LENGTH)
    if problem is not None:
        return DeclineRefused(RefusalCode.INVALID_REASON, problem, "reason")
    if quantity is not None:
        problem = amount_problem(quantity, "quantity")
        if problem is not None:
            return DeclineRefused(RefusalCode.INVALID_QUANTITY, problem, "quantity")
        if quantity != leg.remaining:
            return DeclineRefused(
                RefusalCode.DECLINE_QUANTITY_MISMATCH,
                f"a decline covers the whole remainder: {leg.remaining} {leg.unit}",
                "quantity",
                (("remaining", str(leg.remaining)), ("unit", str(leg.unit))),
            )
    return DeclineAccepted(
        leg_id=leg.leg_id,
        order_id=leg.order_id,
        trader_id=leg.trader_id,
        mineral=leg.mineral,
        unit=leg.unit,
        declined_quantity=leg.remaining,
        filled_quantity=leg.filled_quantity,
        reason=reason.strip(),
    )


def apply_decline(leg: Leg, accepted: DeclineAccepted) -> Leg:
    if accepted.leg_id != leg.leg_id or accepted.trader_id != leg.trader_id:
        raise DeclineNotApplicable("decline belongs to another leg")
    if not leg.is_open or accepted.declined_quantity != leg.remaining or leg.pending_quantity > 0:
        raise DeclineNotApplicable("leg changed since the decline was checked")
    return replace(leg, status=LegStatus.DECLINED)
