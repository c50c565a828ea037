"""Placing an order's open quantity on legs: allocate, retry and cascade, then persist.

Callers hold the order's mineral lock and its row lock. Each function asks the
pure domain for a decision against the book, the roster and the phase as stored,
writes the legs, what they took from the book, the decision record and the
order, and returns the events to enqueue in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

import structlog

from services.sourcing import explanation, messages
from services.sourcing.domain import (
    Allocation,
    Decision,
    SourcingContext,
    TierPolicy,
    allocate,
    cascade,
    is_past_delivery,
    leg_deadline,
    order_status,
)
from services.sourcing.explanation import Trigger
from services.sourcing.messages import Outgoing
from services.sourcing.repository import book, legs, orders, program
from services.sourcing.state import LegState, LegStatus, OrderState, leg_state_of
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Placer:
    """Sourcing's decisions with the policy and leg lifetime it was started with."""

    policy: TierPolicy
    leg_ttl: timedelta

    async def place_open(
        self, conn: Connection, order: OrderState, trigger: Trigger, now: datetime
    ) -> list[Outgoing]:
        """Try to place what the order has waiting; events only if something changed."""
        if order.open_quantity <= 0:
            return []
        if is_past_delivery(now, order.deliver_by):
            return await self.expire(conn, order)
        context = await self._context(conn, order, now)
        allocation = allocate(
            order.request(),
            context,
            quantity=order.open_quantity,
            first_sequence=order.next_sequence,
            exclusions=order.exclusions(),
        )
        decision = allocation.decision
        if decision.legs or trigger is Trigger.REQUESTED:
            return await self._apply(conn, order, allocation, trigger, now, waiting=Decimal(0))
        # Nothing new could be placed: the order keeps waiting, but its reason may have moved on.
        assert decision.open_remainder is not None
        if decision.open_remainder.reason == order.open_reason:
            return []
        changed = replace(order, open_reason=decision.open_remainder.reason)
        await orders.save(conn, changed)
        return [messages.status_changed(changed)]

    async def cascade_leg(
        self,
        conn: Connection,
        order: OrderState,
        leg: LegState,
        *,
        status: LegStatus,
        reason: str,
        trigger: Trigger,
        now: datetime,
    ) -> list[Outgoing]:
        """Close a failed leg and send what it left undone down the waterfall."""
        remainder = leg.remainder
        if is_past_delivery(now, order.deliver_by):
            await legs.close(conn, leg.leg_id, status, reason, now)
            waiting = replace(order, open_quantity=order.open_quantity + remainder)
            await orders.save(conn, waiting)
            return await self.expire(conn, waiting)
        # The roster is read while the leg is still open: cascade releases its exposure.
        context = await self._context(conn, order, now, also=(leg.trader_id,))
        allocation = cascade(
            order.request(),
            leg.to_domain(),
            remainder,
            context,
            first_sequence=order.next_sequence,
            exclusions=order.exclusions(),
        )
        await legs.close(conn, leg.leg_id, status, reason, now)
        return await self._apply(conn, order, allocation, trigger, now, waiting=order.open_quantity)

    async def expire(self, conn: Connection, order: OrderState) -> list[Outgoing]:
        """The delivery day is over: what is open stays unplaced, and the order says so."""
        held = await orders.on_legs(conn, order.order_id)
        reason = (
            f"deliver_by {order.deliver_by.isoformat()} passed with "
            f"{messages.quantity_text(order.open_quantity)} {order.unit} not placed"
        )
        status = order_status(
            quantity=order.quantity, filled=order.filled, on_legs=held, expired=True
        )
        if (status, reason) == (order.status, order.open_reason):
            return []  # already said; legs still with traders will end it
        expired = replace(order, status=status, open_reason=reason)
        await orders.save(conn, expired)
        log.info("order_expired", open=str(order.open_quantity), status=str(status))
        return [messages.status_changed(expired)]

    async def _context(
        self, conn: Connection, order: OrderState, now: datetime, also: tuple[str, ...] = ()
    ) -> SourcingContext:
        phase = order.phase_for(await program.phase_of(conn, order.mineral, now))
        supply = await book.load(conn, order.mineral, now)
        offer_traders = {offer.trader_id for offer in supply}
        roster = await program.load_roster(conn, order.market, offer_traders | set(also))
        return SourcingContext(phase=phase, policy=self.policy, book=supply, roster=roster, now=now)

    async def _apply(
        self,
        conn: Connection,
        order: OrderState,
        allocation: Allocation,
        trigger: Trigger,
        now: datetime,
        *,
        waiting: Decimal,
    ) -> list[Outgoing]:
        """Persist a decision; `waiting` is what stays open beside the quantity it placed."""
        decision = allocation.decision
        deadline = leg_deadline(now, self.leg_ttl, order.deliver_by)
        new_legs = [
            leg_state_of(
                leg,
                market=order.market,
                phase=decision.phase,
                policy_version=decision.policy_version,
                deadline=deadline,
                cascaded_from=decision.cascaded_from,
            )
            for leg in decision.legs
        ]
        await legs.insert(conn, new_legs)
        await book.take(conn, {leg.offer_id: leg.quantity for leg in decision.offer_legs})
        record = explanation.decision_record(
            decision, trigger=trigger, decided_at=now, unit=order.unit
        )
        await orders.add_decision(
            conn,
            order.order_id,
            trigger=trigger,
            phase=decision.phase,
            policy_version=decision.policy_version,
            record=record,
            decided_at=now,
        )
        updated = await self._updated(conn, order, decision, waiting, record)
        await orders.save(conn, updated)
        log.info(
            "order_placed",
            trigger=str(trigger),
            legs=[leg.leg_id for leg in new_legs],
            open=str(updated.open_quantity),
            status=str(updated.status),
            phase=str(decision.phase),
        )
        return [
            *(messages.leg_routed(updated, leg) for leg in new_legs),
            messages.status_changed(updated),
        ]

    async def _updated(
        self,
        conn: Connection,
        order: OrderState,
        decision: Decision,
        waiting: Decimal,
        record: dict[str, object],
    ) -> OrderState:
        unplaced = decision.open_remainder
        open_quantity = waiting + (unplaced.quantity if unplaced else Decimal(0))
        if unplaced is not None:
            reason = unplaced.reason
        else:
            reason = order.open_reason if waiting > 0 else ""
        held = await orders.on_legs(conn, order.order_id)
        return replace(
            order,
            status=order_status(quantity=order.quantity, filled=order.filled, on_legs=held),
            open_quantity=open_quantity,
            open_reason=reason,
            next_sequence=decision.next_sequence,
            excluded_offers=frozenset(decision.exclusions.offer_ids),
            excluded_specialists=frozenset(decision.exclusions.specialist_ids),
            explanation=explanation.summary(record),
        )
