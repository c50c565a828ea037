"""Inventory's subscriber: order events from sourcing; fills are booked, the rest is not ours."""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaRouter

from services.inventory.handlers.receipts import book_fill
from services.inventory.settings import NAME
from shared import topics
from shared.codec import parse_payload
from shared.consumer import Tx, subscription
from shared.contracts import FillRecorded, HoldingsUpdated, ReleasePerformed
from shared.contracts.demand import DemandSubmitted
from shared.envelope import Envelope, RawEnvelope

log = structlog.get_logger(__name__)

router = KafkaRouter()


@router.subscriber(
    topics.SOURCING_ORDERS,
    title="inventory:vault.sourcing.orders",
    description="order.fill_recorded is booked into holdings; other order events are ignored",
    **subscription(NAME),
)
async def on_order_event(event: RawEnvelope, conn: Tx) -> None:
    if event.type != "order.fill_recorded":
        return
    fill = parse_payload(event, FillRecorded).payload
    await book_fill(conn, fill, event_id=event.event_id, correlation_id=event.correlation_id)


# Declared for the AsyncAPI document only: the outbox relay does the publishing.
router.publisher(
    topics.INVENTORY_HOLDINGS,
    title="inventory:holdings.updated",
    description="holdings.updated: one per ledger movement, keyed by the lot's order id",
    schema=Envelope[HoldingsUpdated],
)
router.publisher(
    topics.INVENTORY_RELEASES,
    title="inventory:release.performed",
    description="release.performed: material drawn for a manufacturer, keyed by release id",
    schema=Envelope[ReleasePerformed],
)
router.publisher(
    topics.DEMAND_INTAKE,
    title="inventory:demand.submitted",
    description="demand.submitted of kind replenishment, one per release",
    schema=Envelope[DemandSubmitted],
)
