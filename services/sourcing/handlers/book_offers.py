"""The supply book follows traders' offers; new supply is offered to waiting orders first."""

from __future__ import annotations

import structlog

from services.sourcing.context import Sourcing
from services.sourcing.domain import Trigger, offer_refusal
from services.sourcing.handlers import placing
from services.sourcing.repository import book
from services.sourcing.repository.book import OfferChange
from services.sourcing.repository.locks import lock_minerals
from shared.codec import PoisonMessage
from shared.contracts import OfferPublished, OfferWithdrawn
from shared.db import Connection
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


async def published(conn: Connection, event: Envelope[OfferPublished], *, ctx: Sourcing) -> None:
    offer = event.payload
    refusal = offer_refusal(offer, ctx.catalogue)
    if refusal is not None:
        raise PoisonMessage("offer_refused", refusal, event_id=event.event_id, event=event)
    await lock_minerals(conn, [offer.mineral])
    change = await book.publish(conn, offer, event.occurred_at)
    if change is OfferChange.FOREIGN:
        raise PoisonMessage(
            "offer_refused",
            f"offer {offer.offer_id} belongs to another trader",
            event_id=event.event_id,
            event=event,
        )
    if change not in (OfferChange.ADDED, OfferChange.REVISED):
        log.info("offer_update_ignored", offer_id=offer.offer_id, change=str(change))
        return
    log.info("offer_booked", offer_id=offer.offer_id, change=str(change))
    await placing.retry_waiting(conn, ctx, [offer.mineral], Trigger.OFFERS_ARRIVED, cause=event)


async def withdrawn(conn: Connection, event: Envelope[OfferWithdrawn], *, ctx: Sourcing) -> None:
    offer = event.payload
    await lock_minerals(conn, [offer.mineral])
    change = await book.withdraw(conn, offer.offer_id, offer.trader_id, event.occurred_at)
    if change is OfferChange.FOREIGN:
        raise PoisonMessage(
            "offer_refused",
            f"offer {offer.offer_id} belongs to another trader",
            event_id=event.event_id,
            event=event,
        )
    # Legs already routed from the offer stay with their trader: the trader committed to them.
    log.info("offer_withdrawn", offer_id=offer.offer_id, known=change is not None)
