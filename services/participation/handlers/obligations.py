"""A release performed is a draw: it owes its material back, by a due date, at the set price.

Inventory performed it under the rights in force and asked for the replenishment itself
(``replenishment.requested``, priced by the agreement); here the obligation is opened
and told (``obligation.created``), and tracked until the replenishment is booked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import structlog

from services.participation import events
from services.participation.context import Participation
from services.participation.repository import agreements, obligations
from services.participation.settings import NAME
from shared import outbox
from shared.contracts import ReleasePerformed
from shared.contracts.participation import ObligationCreated
from shared.db import Connection
from shared.envelope import Envelope, new_event

log = structlog.get_logger(__name__)


async def releases_performed(
    conn: Connection, arrived: Sequence[Envelope[ReleasePerformed]], *, ctx: Participation
) -> None:
    created: list[tuple[ObligationCreated, Envelope[ReleasePerformed]]] = []
    for event in arrived:
        release = event.payload
        day = ctx.today()
        term = await agreements.term_in_force(conn, release.manufacturer_id, release.mineral, day)
        due_by = release.deliver_by or day + timedelta(
            days=90 if term is None else term["replenish_within_days"]
        )
        limit = None if term is None else term["set_price"]
        created.append(
            (events.obligation_created(release, due_by=due_by, limit_price=limit), event)
        )
    new = await obligations.insert_new(conn, [c for c, _ in created], ctx.now())
    outgoing = []
    for payload, event in created:
        if payload.obligation_id not in new:
            continue
        new.discard(payload.obligation_id)
        outgoing.append(new_event(payload, producer=NAME, cause=event))
        log.info(
            "obligation_created",
            obligation_id=payload.obligation_id,
            release_id=payload.release_id,
            manufacturer_id=payload.manufacturer_id,
            quantity=str(payload.quantity.amount),
            due_by=str(payload.due_by),
        )
    await outbox.enqueue(conn, outgoing)
