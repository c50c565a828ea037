"""Participation's commitment demand becomes a procurement order, once per request.

From ``vault.participation.demand`` only (participation's own topic): one insert claims
the batch's requests (a request seen before is skipped), then one ``procurement.requested``
per new order, limited by the agreement's set price, through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.demand.domain.commitments import CommitmentOrder, commitment_order
from services.demand.repository import commitment_orders
from services.demand.settings import NAME
from shared import outbox
from shared.catalogue import load_catalogue
from shared.codec import PoisonMessage
from shared.contracts import ProcurementRequested
from shared.contracts.participation import CommitmentDemanded
from shared.db import Connection
from shared.envelope import Envelope, new_event

log = structlog.get_logger(__name__)


async def demanded(conn: Connection, arrived: Sequence[Envelope[CommitmentDemanded]]) -> None:
    catalogue = load_catalogue()
    orders: list[tuple[CommitmentOrder, Envelope[CommitmentDemanded]]] = []
    for event in arrived:
        judged = commitment_order(event.payload, catalogue)
        if isinstance(judged, str):
            raise PoisonMessage("commitment_demand_refused", judged, event_id=event.event_id)
        orders.append((judged, event))
    new = await commitment_orders.insert_new(conn, [order for order, _ in orders])
    outgoing = []
    for order, event in orders:
        if order.order_id not in new:
            log.info("commitment_already_ordered", order_id=order.order_id)
            continue
        new.discard(order.order_id)
        wanted = order.demanded
        payload = ProcurementRequested(
            order_id=order.order_id,
            manufacturer_id=wanted.manufacturer_id,
            request_id=wanted.request_id,
            mineral=wanted.mineral,
            market=order.market,
            quantity=wanted.quantity,
            deliver_by=wanted.deliver_by,
            limit_price=wanted.limit_price,
            kind="procurement",
        )
        outgoing.append(new_event(payload, producer=NAME, cause=event))
        log.info(
            "commitment_ordered",
            order_id=order.order_id,
            request_id=wanted.request_id,
            manufacturer_id=wanted.manufacturer_id,
            mineral=wanted.mineral,
            quantity=str(wanted.quantity.amount),
        )
    await outbox.enqueue(conn, outgoing)
