"""A procurement request becomes an order, placed on legs at once as far as supply allows."""

from __future__ import annotations

import structlog

from services.sourcing.checks import request_refusal
from services.sourcing.explanation import Trigger
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.repository import orders
from services.sourcing.repository.locks import lock_minerals
from shared import outbox
from shared.codec import PoisonMessage
from shared.contracts import ProcurementRequested
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def requested(
    conn: Connection, event: Envelope[ProcurementRequested], sourcing: Sourcing
) -> None:
    request = event.payload
    refusal = request_refusal(request, sourcing.catalogue)
    if refusal is not None:
        raise PoisonMessage("request_refused", refusal)
    await lock_minerals(conn, [request.mineral])
    order = await orders.insert(conn, request, correlation_id=event.correlation_id)
    if order is None:
        # demand de-duplicates; a second request under a known order id changes nothing.
        log.warning("order_already_known")
        return
    outgoing = await sourcing.placer.place_open(conn, order, Trigger.REQUESTED, sourcing.now())
    await outbox.enqueue(conn, outgoing)
