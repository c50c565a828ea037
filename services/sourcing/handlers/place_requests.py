"""Procurement requests become orders, placed on legs at once as far as supply allows.

A batch at a time: the minerals' locks once (sorted), one insert of the new orders,
the situation read once (with the annual ceilings' tallies and the orders' policy
exceptions), the requests allocated oldest first against the book and the tallies each
allocation leaves, then the legs, book, decisions and orders written with one set
statement each and every event enqueued at once: thirteen statements for a batch of
any size.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.sourcing import events
from services.sourcing.context import Sourcing
from services.sourcing.domain import Trigger, request_refusal
from services.sourcing.handlers import placing
from services.sourcing.repository import orders
from services.sourcing.repository.locks import lock_minerals
from shared.codec import PoisonMessage
from shared.contracts import ProcurementRequested
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def requested(
    conn: Connection, requests: Sequence[Envelope[ProcurementRequested]], *, ctx: Sourcing
) -> None:
    for event in requests:
        refusal = request_refusal(event.payload, ctx.catalogue)
        if refusal is not None:
            raise PoisonMessage("request_refused", refusal, event_id=event.event_id, event=event)
    first: dict[str, Envelope[ProcurementRequested]] = {}
    for event in requests:
        first.setdefault(event.payload.order_id, event)
    await lock_minerals(conn, {event.payload.mineral for event in first.values()})
    created = await orders.insert_new(
        conn, [orders.Arrived(e.payload, e.correlation_id) for e in first.values()]
    )
    for event in requests:
        if first[event.payload.order_id] is not event or event.payload.order_id not in created:
            # demand de-duplicates; a second request under a known order id changes nothing.
            log.warning(
                "order_already_known", order_id=event.payload.order_id, event_id=str(event.event_id)
            )
    placing_now = [created[order_id] for order_id in first if order_id in created]
    if not placing_now:
        return
    situation = await placing.read_situation(conn, ctx, placing_now)
    decided = placing.place_each(placing_now, situation, Trigger.REQUESTED)
    outgoing = events.envelopes(decided.events, causes=first)
    await placing.store(conn, decided, outgoing)
