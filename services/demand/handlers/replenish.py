"""A release's replenishment becomes a procurement order of kind replenishment, once.

From ``vault.inventory.replenishments`` only (inventory's own topic): the kind is
taken from where the demand travelled, never from what a sender wrote. One insert
for the batch claims each release (a release seen before is skipped), then one
``procurement.requested`` per new order, through the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.demand import events
from services.demand.domain.replenishments import (
    Replenishment,
    ReplenishmentOrder,
    replenishment_order,
)
from services.demand.repository import replenishments
from shared import outbox
from shared.catalogue import load_catalogue
from shared.codec import PoisonMessage
from shared.contracts import ReplenishmentRequested
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def requested(conn: Connection, arrived: Sequence[Envelope[ReplenishmentRequested]]) -> None:
    catalogue = load_catalogue()
    orders: list[tuple[ReplenishmentOrder, Envelope[ReplenishmentRequested]]] = []
    for event in arrived:
        judged = replenishment_order(replenishment_of(event.payload), catalogue)
        if isinstance(judged, str):
            # Inventory's own demand names what the catalogue does not know: a bug, for ops.
            raise PoisonMessage(
                "replenishment_refused", judged, event_id=event.event_id, event=event
            )
        orders.append((judged, event))
    new = await replenishments.insert_new(conn, [order for order, _ in orders])
    outgoing = []
    for order, event in orders:
        if order.order_id not in new:
            log.info("replenishment_already_ordered", order_id=order.order_id)
            continue
        new.discard(order.order_id)  # a second copy in the batch is not new either
        outgoing.append(events.replenishment_ordered(order, cause=event))
        log.info(
            "replenishment_ordered",
            order_id=order.order_id,
            release_id=order.replenishment.release_id,
            manufacturer_id=order.replenishment.manufacturer_id,
            mineral=order.replenishment.mineral,
            quantity=str(order.replenishment.quantity),
            limit_price=str(order.replenishment.limit_price),
        )
    await outbox.enqueue(conn, outgoing)


def replenishment_of(payload: ReplenishmentRequested) -> Replenishment:
    limit = payload.limit_price
    return Replenishment(
        manufacturer_id=payload.manufacturer_id,
        release_id=payload.release_id,
        request_id=payload.request_id,
        mineral=payload.mineral,
        quantity=payload.quantity.amount,
        unit=payload.quantity.unit,
        deliver_by=payload.deliver_by,
        limit_price=None if limit is None else limit.amount,
    )
