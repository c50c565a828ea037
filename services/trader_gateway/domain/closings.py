"""A leg's closing: it takes no more fills, and what it leaves undone goes back to sourcing.

The gateway owns a leg's closing as it owns its fills, and decides each under the
leg's row lock, so a closing always follows the fills the leg took. Three ways:

- ``declines.decline_leg``: the trader gives back what is left;
- ``expire_leg``: the deadline passed (the gateway's sweep, the one judge of expiry);
- ``cancel_leg``: sourcing asked for the leg back (its order closed).

Each returns the leg as it ends and the ``LegClosing`` to tell sourcing; a leg that
is no longer open has nothing to close (``None``): what the trader did stands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.trader_gateway.domain.legs import Leg, LegStatus
from shared.contracts import Unit, require_aware


class ClosingReason(StrEnum):
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


STATUS_AFTER = {
    ClosingReason.DECLINED: LegStatus.DECLINED,
    ClosingReason.EXPIRED: LegStatus.EXPIRED,
    ClosingReason.CANCELLED: LegStatus.CANCELLED,
}

DEADLINE_PASSED = "the deadline passed"


@dataclass(frozen=True, slots=True)
class LegClosing:
    """What a closing tells sourcing: how much the leg took, and how much it leaves undone."""

    leg_id: str
    order_id: str
    trader_id: str
    mineral: str
    unit: Unit
    reason: ClosingReason
    quantity: Decimal
    filled: Decimal
    undone: Decimal
    detail: str
    closed_at: datetime

    def __post_init__(self) -> None:
        require_aware(self.closed_at, "closed_at")
        if self.undone <= 0 or self.filled + self.undone != self.quantity:
            raise ValueError("a closing leaves something undone, and filled + undone is the leg")


@dataclass(frozen=True, slots=True)
class Closed:
    """A leg closed: the leg as it ends, and the closing to tell sourcing."""

    leg: Leg
    closing: LegClosing


class ClosingNotApplicable(ValueError):
    """The leg is no longer open: there is nothing left to close."""


def close_leg(leg: Leg, reason: ClosingReason, detail: str, at: datetime) -> Closed:
    """Close an open leg for ``reason``; raises if it is no longer open."""
    if not leg.is_open:
        raise ClosingNotApplicable(f"leg {leg.leg_id} is {leg.status}")
    closing = LegClosing(
        leg_id=leg.leg_id,
        order_id=leg.order_id,
        trader_id=leg.trader_id,
        mineral=leg.mineral,
        unit=leg.unit,
        reason=reason,
        quantity=leg.quantity,
        filled=leg.filled_quantity,
        undone=leg.remaining,
        detail=detail,
        closed_at=at,
    )
    # Fills pending approval die with the leg (the handler rejects them, with the reason).
    ended = replace(leg, status=STATUS_AFTER[reason], pending_quantity=Decimal(0))
    return Closed(ended, closing)


def is_overdue(leg: Leg, now: datetime) -> bool:
    """Open past its deadline: at the deadline itself a fill is still on time."""
    return leg.is_open and now > leg.deadline


def expire_leg(leg: Leg, now: datetime) -> Closed | None:
    """The sweep's verdict on a leg: closed as expired once its deadline has passed."""
    require_aware(now, "now")
    if not is_overdue(leg, now):
        return None
    return close_leg(leg, ClosingReason.EXPIRED, DEADLINE_PASSED, now)


def cancel_leg(leg: Leg, detail: str, now: datetime) -> Closed | None:
    """Sourcing asks for the leg back: cancelled if still open (expired, if its deadline
    passed before the sweep came to it); fills that came first stand."""
    require_aware(now, "now")
    if not leg.is_open:
        return None
    if is_overdue(leg, now):
        return close_leg(leg, ClosingReason.EXPIRED, DEADLINE_PASSED, now)
    return close_leg(leg, ClosingReason.CANCELLED, detail, now)
