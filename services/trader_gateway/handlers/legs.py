"""Sourcing's leg events, applied a batch at a time: legs routed, legs asked back.

A batch of ``leg.routed`` is one insert however many legs it names, and emits nothing.
A batch of ``leg.cancel_requested`` locks its legs (in id order, after any fill in
flight), closes those still open and says so (``leg.closed``, reason ``cancelled``) in
the same transaction, under the same locks: a fill that won the race stands, and the
closing that follows it says what it took. A leg no trader could act on is
dead-lettered alone, naming its event.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.trader_gateway import events as outgoing
from services.trader_gateway.domain import Leg, LegKind, UnusableLeg, cancel_leg, route_leg
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.legs import BookedClosing, LegRecord
from shared.codec import PoisonMessage
from shared.contracts import LegCancelRequested, LegRouted, Unit
from shared.db import Connection
from shared.envelope import Envelope, EventMeta
from shared.http.context import Clock

log = structlog.get_logger(__name__)


async def routed(conn: Connection, events: Sequence[Envelope[LegRouted]]) -> None:
    """Store each newly routed leg once; a leg routed again (a re-sent event) stays as it is."""
    first: dict[str, LegRecord] = {}
    for event in events:
        record = _routed_leg(event)
        first.setdefault(record.leg.leg_id, record)
    stored = await repo.insert_routed(conn, list(first.values()))
    for event in events:
        leg_id = event.payload.leg_id
        log.info(
            "leg_routed",
            leg_id=leg_id,
            order_id=event.payload.order_id,
            trader_id=event.payload.trader_id,
            new=leg_id in stored,
        )
        stored.discard(leg_id)  # a second event for the leg in this batch is not new


async def cancel_requested(
    conn: Connection, events: Sequence[Envelope[LegCancelRequested]], *, clock: Clock
) -> None:
    """Close the open legs among them (cancelled, or expired if their deadline passed);
    a leg already filled or closed keeps what it is, and nothing more is said of it."""
    locked = await repo.lock(conn, [(e.payload.leg_id, e.payload.trader_id) for e in events])
    now = clock()
    ended: dict[str, Leg] = {}
    closings: list[BookedClosing] = []
    emitted: list[EventMeta] = []
    for event in events:
        asked = event.payload
        record = locked.get(asked.leg_id)
        leg = ended.get(asked.leg_id) or (record.leg if record else None)
        decided = None if leg is None else cancel_leg(leg, asked.reason, now)
        log.info(
            "leg_cancel_requested",
            leg_id=asked.leg_id,
            order_id=asked.order_id,
            closed=None if decided is None else decided.closing.reason.value,
        )
        if decided is None:
            continue
        ended[asked.leg_id] = decided.leg
        closed = outgoing.leg_closed(decided.closing, cause=event)
        closings.append(BookedClosing(decided.closing, closed.event_id))
        emitted.append(closed)
    await repo.save(conn, legs=list(ended.values()), closings=closings, events=emitted)


def _routed_leg(event: Envelope[LegRouted]) -> LegRecord:
    routed = event.payload
    limit = routed.limit_price
    try:
        leg = route_leg(
            leg_id=routed.leg_id,
            order_id=routed.order_id,
            trader_id=routed.trader_id,
            mineral=routed.mineral,
            unit=Unit(routed.quantity.unit),
            quantity=routed.quantity.amount,
            limit=None if limit is None else (limit.amount, Unit(limit.per)),
            deadline=routed.deadline,
            tier_preference=tuple(routed.tier_preference),
            kind=LegKind(routed.kind),
            # When sourcing routed it (the event's time), not when it reached us.
            routed_at=event.occurred_at,
            origin_country=routed.origin_country if routed.kind == "offer" else None,
            excluded_origins=frozenset(routed.excluded_origins),
        )
    except UnusableLeg as error:
        raise PoisonMessage(
            "invalid_payload", f"leg.routed: {error}", event_id=event.event_id
        ) from None
    return LegRecord(
        leg=leg,
        manufacturer_id=routed.manufacturer_id,
        market=routed.market,
        offer_id=routed.offer_id,
        tier=None if routed.tier is None else routed.tier.value,
        warehouse_id=routed.warehouse_id,
        phase=routed.phase.value,
        policy_version=routed.policy_version,
        routed_at=event.occurred_at,
    )
