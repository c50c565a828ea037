"""A trader declining what is left of a leg, so sourcing can cascade it down the waterfall."""

from dataclasses import dataclass, replace
from decimal import Decimal

from services.trader_gateway.domain.legs import Leg, LegStatus, Unit
from services.trader_gateway.domain.refusals import Refusal, RefusalCode
from services.trader_gateway.domain.values import amount_problem, text_problem

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


@dataclass(frozen=True, slots=True)
class DeclineRefused(Refusal):
    pass


class DeclineNotApplicable(ValueError):
    """An accepted decline no longer fits the leg it is applied to (a stale read)."""


LEG_NOT_FOUND = DeclineRefused(RefusalCode.NOT_FOUND, "leg not found")


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
    if not leg.is_open or accepted.declined_quantity != leg.remaining:
        raise DeclineNotApplicable("leg changed since the decline was checked")
    return replace(leg, status=LegStatus.DECLINED)
