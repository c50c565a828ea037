"""The supply book follows traders' offers; new supply is offered to waiting orders first."""

from __future__ import annotations

import structlog

from services.sourcing.checks import offer_refusal
from services.sourcing.explanation import Trigger
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.repository import book, orders
from services.sourcing.repository.book import OfferChange
from services.sourcing.repository.locks import lock_minerals
from shared import outbox
from shared.codec import PoisonMessage
from shared.contracts import OfferPublished, OfferWithdrawn
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def published(conn: Connection, event: Envelope[OfferPublished], sourcing: Sourcing) -> None:
    offer = event.payload
    refusal = offer_refusal(offer, sourcing.catalogue)
    if refusal is not None:
        raise PoisonMessage("offer_refused", refusal)
    await lock_minerals(conn, [offer.mineral])
    change = await book.publish(conn, offer, event.occurred_at)
    if change is OfferChange.FOREIGN:
        raise PoisonMessage("offer_refused", f"offer {offer.offer_id} belongs to another trader")
    if change not in (OfferChange.ADDED, OfferChange.REVISED):
        log.info("offer_update_ignored", offer_id=offer.offer_id, change=str(change))
        return
    log.info("offer_booked", offer_id=offer.offer_id, change=str(change))
    await retry_waiting(conn, offer.mineral, Trigger.OFFERS_ARRIVED, sourcing)


async def withdrawn(conn: Connection, event: Envelope[OfferWithdrawn], sourcing: Sourcing) -> None:
    offer = event.payload
    await lock_minerals(conn, [offer.mineral])
    change = await book.withdraw(conn, offer.offer_id, offer.trader_id, event.occurred_at)
    if change is OfferChange.FOREIGN:
        raise PoisonMessage("offer_refused", f"offer {offer.offer_id} belongs to another trader")
    # Legs already routed from the offer stay with their trader: the trader committed to them.
    log.info("offer_withdrawn", offer_id=offer.offer_id, known=change is not None)


async def retry_waiting(
    conn: Connection, mineral: str, trigger: Trigger, sourcing: Sourcing
) -> None:
    """Offer what is waiting for `mineral` to the book again, oldest order first.

    The caller holds the mineral's lock.
    """
    now = sourcing.now()
    for order in await orders.lock_waiting(conn, mineral):
        with structlog.contextvars.bound_contextvars(order_id=order.order_id):
            outgoing = await sourcing.placer.place_open(conn, order, trigger, now)
        await outbox.enqueue(conn, outgoing)
