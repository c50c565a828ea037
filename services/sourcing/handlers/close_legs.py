"""A leg's closing, as the gateway decided it: the leg ends, and what it left undone moves on.

Declined or expired, the undone quantity (and only that: the closing says how much)
cascades down the waterfall; cancelled at sourcing's request, or past the delivery
day, it joins what is open and a past-due order expires. The gateway decided the
closing after every fill the leg took, and it comes after them on the one stream.

A batch at a time, like the other placing hops: the minerals' locks, the orders with
their legs, the situation read once for the legs that cascade, each closing learnt in
turn against what the one before it left, one write of everything. Then, where a mineral
has an annual ceiling, the orders waiting on it are offered the room the closings freed.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.sourcing import events
from services.sourcing.context import Sourcing
from services.sourcing.domain import Anomaly, Changes, Trigger, cascades, learn_closing
from services.sourcing.handlers import placing
from services.sourcing.repository import ceilings, orders
from services.sourcing.repository.locks import lock_minerals
from shared.contracts import Event, LegClosed
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def closed(
    conn: Connection, closings: Sequence[Envelope[LegClosed]], *, ctx: Sourcing
) -> None:
    await lock_minerals(conn, {e.payload.mineral for e in closings})
    locked = await orders.lock(
        conn, (e.payload.order_id for e in closings), (e.payload.leg_id for e in closings)
    )
    now = ctx.now()
    current, legs = dict(locked.orders), dict(locked.legs)
    cascading = [
        (current[e.payload.order_id], legs[e.payload.leg_id])
        for e in closings
        if e.payload.order_id in current
        and e.payload.leg_id in legs
        and cascades(current[e.payload.order_id], legs[e.payload.leg_id], e.payload, now)
    ]
    situation = None
    if cascading:
        situation = await placing.read_situation(
            conn,
            ctx,
            list({o.order_id: o for o, _ in cascading}.values()),
            traders={leg.trader_id for _, leg in cascading},
            closing={leg.leg_id for _, leg in cascading},
        )
    decided = Changes()
    outgoing: list[Envelope[Event]] = []
    for event in closings:
        closing = event.payload
        order, leg = current.get(closing.order_id), legs.get(closing.leg_id)
        if order is None or leg is None or leg.order_id != closing.order_id:
            decided.anomalies.append(
                Anomaly(
                    "closing_of_unknown_leg",
                    closing.order_id,
                    closing.leg_id,
                    f"no leg {closing.leg_id} of order {closing.order_id} here",
                )
            )
            continue
        # An order with two closing legs: the second is learnt on the order the first left.
        placed = learn_closing(order, leg, closing, situation=situation, now=now)
        if placed.change.is_empty:
            log.info("closing_already_learnt", leg_id=leg.leg_id, order_id=order.order_id)
            continue
        current[order.order_id] = placed.change.order
        for ended in placed.change.updated:
            legs[ended.leg_id] = ended
        situation = placed.situation or situation
        decided.add(placed.change)
        outgoing += events.envelopes(placed.change.events, cause=event)
        log.info(
            "leg_closed",
            leg_id=leg.leg_id,
            order_id=order.order_id,
            reason=closing.reason,
            filled=str(closing.filled),
            undone=str(closing.undone),
            status=str(placed.change.order.status),
        )
    placing.log_anomalies(decided.anomalies)
    await placing.store(conn, decided, outgoing)
    await _offer_freed_room(conn, ctx, closings)


async def _offer_freed_room(
    conn: Connection, ctx: Sourcing, closings: Sequence[Envelope[LegClosed]]
) -> None:
    """What a closing left undone no longer counts against its mineral's annual ceiling
    (its order placed it again above, or expired): orders that wait on the ceiling are
    offered the room, oldest first, as a raised ceiling would."""
    freeing = {e.payload.mineral: e for e in reversed(closings) if e.payload.undone > 0}
    if not freeing:
        return
    capped = await ceilings.capped(conn, freeing, ctx.now().year)
    for mineral in capped:
        await placing.retry_waiting(
            conn, ctx, [mineral], Trigger.ROOM_FREED, cause=freeing[mineral]
        )
