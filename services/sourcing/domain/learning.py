"""What the gateway says of a leg, learnt: its fills, and its closing.

The gateway owns a leg's fills and its closing (declined, expired, cancelled): it
judged each before telling anyone, and tells them in the order it decided them on one
stream. Sourcing never refuses what the owner confirmed: it counts each fill against
its leg and passes it on to inventory, and sends down the waterfall exactly what a
closing says is left undone.

What cannot be applied as it stands (a fill beyond the leg, a closing that does not
match the fills counted) is a bug somewhere: sourcing learns what it can, never
beyond a leg's or an order's quantity, and notes an ``Anomaly`` for ops.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.sourcing.domain.changes import Anomaly, Change, FillAccepted, OrderChanged
from services.sourcing.domain.explanation import Trigger
from services.sourcing.domain.orders import LegState, LegStatus, OrderState
from services.sourcing.domain.placement import Placed, cascade_leg, expire
from services.sourcing.domain.policy import TierPolicy, tier_of
from services.sourcing.domain.situation import Situation
from services.sourcing.domain.values import plain_number
from shared.contracts import FillConfirmed, LegClosed


@dataclass(frozen=True, slots=True)
class KnownFill:
    """A fill already recorded under an id: which leg it went to, and how much."""

    leg_id: str
    quantity: Decimal


def same_fill(known: KnownFill, fill: FillConfirmed) -> bool:
    """A re-sent fill (same id, same content) is a duplicate; anything else reuses an id."""
    return known.leg_id == fill.leg_id and known.quantity == fill.quantity.amount


def learn_fill(
    order: OrderState,
    leg: LegState,
    fill: FillConfirmed,
    *,
    known: KnownFill | None,
    policy: TierPolicy,
    now: datetime,
) -> Change:
    """Count a confirmed fill against its leg; the change holds the order and leg after it.

    Recorded whatever state the leg is in here (title passed when the gateway said so);
    a fill re-sent under its id changes nothing. An open leg whose whole quantity is
    filled closes as filled. The tier is the origin's under the table in force.
    """
    if known is not None:
        if same_fill(known, fill):
            return Change.none(order)
        return _noted(
            order, leg, fill, "fill_id_reused", f"fill id {fill.fill_id} names another fill"
        )
    quantity = fill.quantity.amount
    counted = min(quantity, leg.remainder, order.quantity - order.filled)
    anomalies = _fill_anomalies(order, leg, fill, counted)
    filled_leg = leg.filled + counted
    if leg.is_open and filled_leg == leg.quantity:
        learnt = replace(leg, filled=filled_leg, status="filled", closed_at=now)
    else:
        learnt = replace(leg, filled=filled_leg)
    # An open leg's fill comes out of what its trader holds; a closed leg's was
    # already taken out of it when the leg closed (its closing counted this fill).
    on_legs = order.on_legs - counted if leg.is_open else order.on_legs
    filled = order.filled + counted
    updated = replace(
        order,
        filled=filled,
        on_legs=on_legs,
        status=order.status_for(filled=filled, on_legs=on_legs),
    )
    accepted = FillAccepted(
        updated,
        learnt,
        fill,
        tier=tier_of(policy, fill.origin_country),
        policy_version=policy.version,
    )
    return Change(
        order=updated,
        updated=(learnt,),
        fills=(accepted,),
        events=(accepted, OrderChanged(updated)),
        anomalies=anomalies,
    )


def _fill_anomalies(
    order: OrderState, leg: LegState, fill: FillConfirmed, counted: Decimal
) -> tuple[Anomaly, ...]:
    quantity = fill.quantity.amount
    found: list[tuple[str, str]] = []
    if counted < quantity:
        found.append(
            (
                "fill_beyond_leg",
                f"fill of {plain_number(quantity)} with {plain_number(leg.remainder)} left on "
                f"the leg and {plain_number(order.quantity - order.filled)} on the order: "
                f"{plain_number(counted)} counted",
            )
        )
    if fill.leg_filled != leg.filled + quantity:
        found.append(
            (
                "fill_out_of_step",
                f"the gateway has {plain_number(fill.leg_filled)} filled after this fill; "
                f"{plain_number(leg.filled + quantity)} counted here",
            )
        )
    if not leg.is_open:
        found.append(("fill_after_closing", f"the leg was {leg.status} when the fill came"))
    return tuple(
        Anomaly(kind, order.order_id, leg.leg_id, detail, fill.fill_id) for kind, detail in found
    )


def _noted(order: OrderState, leg: LegState, fill: FillConfirmed, kind: str, detail: str) -> Change:
    anomaly = Anomaly(kind, order.order_id, leg.leg_id, detail, fill.fill_id)
    return Change(order=order, saved=False, anomalies=(anomaly,))


_STATUS: dict[str, LegStatus] = {
    "declined": "declined",
    "expired": "expired",
    "cancelled": "cancelled",
}
_TRIGGER = {"declined": Trigger.LEG_DECLINED, "expired": Trigger.LEG_EXPIRED}


def cascades(order: OrderState, leg: LegState | None, closing: LegClosed, now: datetime) -> bool:
    """Whether learning this closing sends something down the waterfall, which needs the
    situation read: an open leg declined or expired before the order's delivery day ends."""
    return (
        leg is not None
        and leg.is_open
        and closing.reason in _TRIGGER
        and min(closing.undone, leg.remainder) > 0
        and not order.is_past_delivery(now)
    )


def closed_reason(closing: LegClosed) -> str:
    """How the order's story tells a closing."""
    if closing.reason == "expired":
        if closing.filled == 0:
            return "expired unfilled"
        quantity = closing.quantity.amount
        return f"expired with {plain_number(closing.filled)} of {plain_number(quantity)} filled"
    return f"{closing.reason}: {closing.detail}" if closing.detail else closing.reason


def learn_closing(
    order: OrderState,
    leg: LegState,
    closing: LegClosed,
    *,
    situation: Situation | None,
    now: datetime,
) -> Placed:
    """The leg takes no more fills: what the closing leaves undone is placed again.

    Declined or expired, it cascades down the waterfall (the failed offer or specialist
    excluded); cancelled (sourcing asked for it back), or past the delivery day, it
    joins what is open, and a past-due order expires. Nothing beyond what this leg
    still holds here is placed again, and a leg closed already changes nothing.
    """
    if not leg.is_open:
        if leg.status == closing.reason:
            return Placed(Change.none(order), situation)  # said before, under another id
        detail = f"closed {closing.reason} by the gateway; {leg.status} here"
        anomaly = Anomaly("closing_of_closed_leg", order.order_id, leg.leg_id, detail)
        return Placed(Change(order=order, saved=False, anomalies=(anomaly,)), situation)
    anomalies = _closing_anomalies(order, leg, closing)
    undone = min(closing.undone, leg.remainder)
    reason = closed_reason(closing)
    trigger = _TRIGGER.get(closing.reason)
    if trigger is not None and undone > 0 and not order.is_past_delivery(now):
        placed = cascade_leg(
            order,
            leg,
            status=_STATUS[closing.reason],
            reason=reason,
            trigger=trigger,
            situation=situation,
            now=now,
            undone=undone,
        )
        noted = Change(order=order, saved=False, anomalies=anomalies)
        return Placed(noted.then(placed.change), placed.situation)
    return Placed(_set_aside(order, leg, closing, undone, reason, now, anomalies), situation)


def _set_aside(
    order: OrderState,
    leg: LegState,
    closing: LegClosed,
    undone: Decimal,
    reason: str,
    now: datetime,
    anomalies: tuple[Anomaly, ...],
) -> Change:
    """Close the leg without placing its rest again: what it leaves undone waits (and the
    order expires if its delivery day is over)."""
    closed = replace(leg, status=_STATUS[closing.reason], closed_reason=reason, closed_at=now)
    waiting = replace(
        order,
        on_legs=order.on_legs - leg.remainder,
        open_quantity=order.open_quantity + undone,
    )
    if order.is_past_delivery(now):
        return Change(order=waiting, updated=(closed,), anomalies=anomalies).then(expire(waiting))
    waiting = replace(
        waiting,
        status=waiting.status_for(filled=waiting.filled, on_legs=waiting.on_legs),
        open_reason=reason if undone > 0 else waiting.open_reason,
    )
    return Change(
        order=waiting, updated=(closed,), events=(OrderChanged(waiting),), anomalies=anomalies
    )


def _closing_anomalies(order: OrderState, leg: LegState, closing: LegClosed) -> tuple[Anomaly, ...]:
    found: list[tuple[str, str]] = []
    if closing.filled != leg.filled:
        found.append(
            (
                "closing_out_of_step",
                f"the gateway closed it with {plain_number(closing.filled)} filled; "
                f"{plain_number(leg.filled)} counted here so far",
            )
        )
    if closing.undone > leg.remainder:
        found.append(
            (
                "closing_beyond_leg",
                f"{plain_number(closing.undone)} left undone; {plain_number(leg.remainder)} "
                "held here: only that is placed again",
            )
        )
    return tuple(Anomaly(kind, order.order_id, leg.leg_id, detail) for kind, detail in found)
