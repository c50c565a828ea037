"""The expiry sweep: the gateway alone decides that a leg's deadline passed, once.

Every few seconds (``consumers.sweep``, in every replica) open legs past their
deadline are locked (``FOR UPDATE SKIP LOCKED``: a leg a fill holds is left for the
next round, and two replicas never take the same leg), closed as expired, and the
closing (``leg.closed``: what the leg took, what it leaves undone) is enqueued in
the same transaction, under the same row lock the fills take. A fill the gateway
answered 201 before the sweep took the leg is counted in that closing; after it,
fills are refused (the leg is expired, and its deadline has passed anyway).
"""

from __future__ import annotations

from datetime import datetime

import structlog

from services.trader_gateway import events
from services.trader_gateway.domain import Leg, expire_leg
from services.trader_gateway.repository import legs as repo
from services.trader_gateway.repository.legs import BookedClosing
from shared.db import Connection
from shared.envelope import EventMeta

log = structlog.get_logger(__name__)

BATCH = 200
"""Legs closed per transaction; the sweep goes on with the next batch at once."""


async def expire_overdue(conn: Connection, now: datetime, *, limit: int = BATCH) -> int:
    """Close up to ``limit`` overdue legs in the caller's transaction; returns how many."""
    overdue = await repo.lock_overdue(conn, now, limit)
    ended: list[Leg] = []
    closings: list[BookedClosing] = []
    emitted: list[EventMeta] = []
    for record in overdue:
        decided = expire_leg(record.leg, now)
        if decided is None:  # not overdue once locked (cannot happen: the lock re-reads)
            continue
        closed = events.leg_closed(decided.closing)
        ended.append(decided.leg)
        closings.append(BookedClosing(decided.closing, closed.event_id))
        emitted.append(closed)
        log.info(
            "leg_expired",
            leg_id=record.leg.leg_id,
            order_id=record.leg.order_id,
            filled=str(decided.closing.filled),
            undone=str(decided.closing.undone),
        )
    await repo.save(conn, legs=ended, closings=closings, events=emitted)
    return len(ended)
