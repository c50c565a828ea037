"""Placing an order's open quantity, cascading a failed leg, expiring an order.

A leg fails only as the gateway says (``learning.learn_closing``): what it left undone
is what cascades. An order past its delivery day asks the gateway for its open legs
back (``ask_back``) and expires once they are closed.

Each transition takes the order as it stands (and, when it places anything, the
``Situation``) and returns a ``Change``: the order after it, the legs it opened or
closed, the decision record, what it took from the book, the events; and, from
``place_open`` and ``cascade_leg``, the situation the next decision is taken against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from services.sourcing.domain import explanation
from services.sourcing.domain.allocation import Allocation, allocate
from services.sourcing.domain.cascade import cascade
from services.sourcing.domain.changes import (
    CancelRequested,
    Change,
    DecisionEntry,
    LegOpened,
    OrderChanged,
)
from services.sourcing.domain.exceptions import allowed_origins
from services.sourcing.domain.explanation import Trigger
from services.sourcing.domain.lifecycle import OrderStatus, leg_deadline
from services.sourcing.domain.orders import LegState, LegStatus, OrderState, opened_leg
from services.sourcing.domain.policy import excluded_origins
from services.sourcing.domain.situation import Situation
from services.sourcing.domain.values import plain_number


@dataclass(frozen=True, slots=True)
class Placed:
    """A transition's change, and the situation it leaves for the next decision."""

    change: Change
    situation: Situation | None


def place_open(order: OrderState, situation: Situation, trigger: Trigger) -> Placed:
    """Try to place what the order has waiting; a change only if something moved.

    A new order (``Trigger.REQUESTED``) always gets its first decision recorded, even
    when nothing could be placed; a retry that places nothing only restates the
    reason the order waits, if that reason moved on.
    """
    if order.open_quantity <= 0:
        return Placed(Change.none(order), situation)
    if order.is_past_delivery(situation.now):
        return Placed(expire(order), situation)
    context = situation.context_for(order)
    allocation = allocate(
        order.request(),
        context,
        quantity=order.open_quantity,
        first_sequence=order.next_sequence,
        exclusions=order.exclusions(),
    )
    decision = allocation.decision
    refusal = situation.ceiling_refusal(order, allocation)
    if refusal is not None:
        # Over the annual ceiling: nothing of this decision is routed; all of it waits.
        return Placed(_restated(order, refusal), situation)
    if decision.legs or trigger is Trigger.REQUESTED:
        change = _placed(order, allocation, trigger, situation, waiting=Decimal(0))
        return Placed(change, situation.after(order, context, allocation))
    # Nothing new could be placed: the order keeps waiting, but its reason may have moved on.
    assert decision.open_remainder is not None
    return Placed(_restated(order, decision.open_remainder.reason), situation)


def _restated(order: OrderState, reason: str) -> Change:
    """The order keeps waiting; a change only if its reason moved on."""
    if reason == order.open_reason:
        return Change.none(order)
    restated = replace(order, open_reason=reason)
    return Change(order=restated, events=(OrderChanged(restated),))


def cascade_leg(
    order: OrderState,
    leg: LegState,
    *,
    status: LegStatus,
    reason: str,
    trigger: Trigger,
    situation: Situation | None,
    now: datetime,
    undone: Decimal | None = None,
) -> Placed:
    """Close a failed leg and send what it left ``undone`` down the waterfall.

    ``undone`` is what the leg's closing says is left (at most its remainder as
    counted here; by default all of it). The leg's whole remainder leaves what
    traders hold; only ``undone`` is placed again. Past the delivery day nothing is
    placed any more (no situation is needed): it joins what is open, and the order
    expires.
    """
    remainder = leg.remainder
    again = remainder if undone is None else min(undone, remainder)
    closed = replace(leg, status=status, closed_reason=reason, closed_at=now)
    if order.is_past_delivery(now):
        waiting = replace(
            order,
            open_quantity=order.open_quantity + again,
            on_legs=order.on_legs - remainder,
        )
        closing = Change(order=waiting, updated=(closed,))
        return Placed(closing.then(expire(waiting)), situation)
    if situation is None:
        raise ValueError(f"cascading {leg.leg_id} before the delivery day needs the situation")
    # The roster still holds the open leg: cascade releases its exposure before routing.
    context = situation.context_for(order)
    allocation = cascade(
        order.request(),
        leg.to_domain(),
        again,
        context,
        first_sequence=order.next_sequence,
        exclusions=order.exclusions(),
    )
    released = replace(order, on_legs=order.on_legs - remainder)
    refusal = situation.ceiling_refusal(order, allocation)
    if refusal is not None:
        # Over the annual ceiling: what the leg left undone waits beside what was open.
        on_legs = order.on_legs - remainder
        waiting = replace(
            released,
            status=order.status_for(filled=order.filled, on_legs=on_legs),
            open_quantity=order.open_quantity + again,
            open_reason=refusal,
        )
        return Placed(
            Change(order=waiting, updated=(closed,), events=(OrderChanged(waiting),)), situation
        )
    placed = _placed(released, allocation, trigger, situation, waiting=order.open_quantity)
    change = Change(order=released, saved=False, updated=(closed,)).then(placed)
    return Placed(change, situation.after(order, context, allocation))


def expire(order: OrderState) -> Change:
    """The delivery day is over: what is open stays unplaced, and the order says so.

    Legs still with traders keep the order moving; they end it when they close.
    """
    reason = (
        f"deliver_by {order.deliver_by.isoformat()} passed with "
        f"{plain_number(order.open_quantity)} {order.unit} not placed"
    )
    status = order.status_for(filled=order.filled, on_legs=order.on_legs, expired=True)
    if (status, reason) == (order.status, order.open_reason):
        return Change.none(order)  # already said
    expired = replace(order, status=status, open_reason=reason)
    return Change(order=expired, events=(OrderChanged(expired),))


def expire_overdue(order: OrderState) -> Change:
    """The sweep's call for an order past delivery with nothing on legs."""
    if order.status is OrderStatus.EXPIRED or order.open_quantity <= 0:
        return Change.none(order)  # expired or placed meanwhile
    return expire(order)


def ask_back(order: OrderState, legs: Iterable[LegState], now: datetime) -> Change:
    """An order past its delivery day asks the gateway for its open legs back, once each.

    The gateway closes each still open (a fill that wins the race stands) and says so;
    the closing ends the leg here, and the order expires when nothing is on legs.
    """
    if not order.is_past_delivery(now):
        return Change.none(order)
    reason = f"deliver_by {order.deliver_by.isoformat()} passed"
    asked = tuple(
        replace(leg, cancel_requested_at=now)
        for leg in legs
        if leg.order_id == order.order_id and leg.is_open and leg.cancel_requested_at is None
    )
    return Change(
        order=order,
        saved=False,
        updated=asked,
        events=tuple(CancelRequested(order, leg, reason) for leg in asked),
    )


def _placed(
    order: OrderState,
    allocation: Allocation,
    trigger: Trigger,
    situation: Situation,
    *,
    waiting: Decimal,
) -> Change:
    """A decision taken: `waiting` is what stays open beside the quantity it placed."""
    decision = allocation.decision
    now = situation.now
    deadline = leg_deadline(now, situation.leg_ttl, order.deliver_by)
    legs = tuple(
        opened_leg(
            leg,
            market=order.market,
            phase=decision.phase,
            policy_version=decision.policy_version,
            deadline=deadline,
            cascaded_from=decision.cascaded_from,
            # An offer leg on an approved origin (excluded_origin) takes fills of it.
            excluded_origins=excluded_origins(situation.policy, decision.phase)
            - allowed_origins(decision.approvals),
        )
        for leg in decision.legs
    )
    record = explanation.decision_record(decision, trigger=trigger, decided_at=now, unit=order.unit)
    unplaced = decision.open_remainder
    if unplaced is not None:
        reason = unplaced.reason
    elif waiting > 0:
        reason = order.open_reason  # what waited beside the placed quantity still waits
    else:
        reason = ""
    on_legs = order.on_legs + decision.placed
    updated = replace(
        order,
        status=order.status_for(filled=order.filled, on_legs=on_legs),
        open_quantity=waiting + (unplaced.quantity if unplaced else Decimal(0)),
        open_reason=reason,
        on_legs=on_legs,
        next_sequence=decision.next_sequence,
        excluded_offers=frozenset(decision.exclusions.offer_ids),
        excluded_specialists=frozenset(decision.exclusions.specialist_ids),
        explanation=explanation.summary(record),
    )
    entry = DecisionEntry(
        order_id=order.order_id,
        trigger=trigger,
        phase=decision.phase,
        policy_version=decision.policy_version,
        record=record,
        decided_at=now,
    )
    return Change(
        order=updated,
        opened=legs,
        taken=tuple((leg.offer_id, leg.quantity) for leg in decision.offer_legs),
        decisions=(entry,),
        events=(*(LegOpened(updated, leg) for leg in legs), OrderChanged(updated)),
    )
