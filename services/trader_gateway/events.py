"""What the gateway tells the rest of Vault: contract payloads built from accepted actions.

Every event goes through the outbox in the transaction that books its action,
keyed as agreed: fills and declines by order id, offers by offer id, traders by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from services.trader_gateway.domain import DeclineAccepted, FillAccepted, Offer
from services.trader_gateway.repository.legs import LegRecord
from services.trader_gateway.repository.traders import Trader
from shared import outbox, topics
from shared.contracts import (
    FillConfirmed,
    LegDeclined,
    OfferPublished,
    OfferWithdrawn,
    Quantity,
    TraderRegistered,
    UnitPrice,
)
from shared.contracts.common import Contract
from shared.db import Connection
from shared.envelope import Envelope, EventMeta, new_event

PRODUCER = "trader_gateway"
P = TypeVar("P", bound=Contract)


def fill_confirmed(fill_id: str, fill: FillAccepted, record: LegRecord) -> Envelope[FillConfirmed]:
    payload = FillConfirmed(
        fill_id=fill_id,
        leg_id=fill.leg_id,
        order_id=fill.order_id,
        trader_id=fill.trader_id,
        manufacturer_id=record.manufacturer_id,
        mineral=fill.mineral,
        quantity=Quantity(amount=fill.quantity, unit=fill.unit.value),
        unit_price=UnitPrice(amount=fill.unit_price, per=fill.unit.value),
        origin_country=fill.origin_country,
        warehouse_id=fill.warehouse_id,
        lot_reference=fill.lot_reference,
        filled_at=fill.filled_at,
    )
    return _event("fill.confirmed", payload, key=fill.order_id)


def leg_declined(decline: DeclineAccepted) -> Envelope[LegDeclined]:
    payload = LegDeclined(
        leg_id=decline.leg_id,
        order_id=decline.order_id,
        trader_id=decline.trader_id,
        quantity=Quantity(amount=decline.declined_quantity, unit=decline.unit.value),
        reason=decline.reason,
    )
    return _event("leg.declined", payload, key=decline.order_id)


def offer_published(offer: Offer) -> Envelope[OfferPublished]:
    payload = OfferPublished(
        offer_id=offer.offer_id,
        trader_id=offer.trader_id,
        mineral=offer.mineral,
        market=offer.market,
        origin_country=offer.origin_country,
        quantity=Quantity(amount=offer.quantity, unit=offer.unit.value),
        unit_price=UnitPrice(amount=offer.unit_price, per=offer.unit.value),
        warehouse_id=offer.warehouse_id,
        available_on=offer.available_on,
        valid_until=offer.valid_until,
    )
    return _event("offer.published", payload, key=offer.offer_id)


def offer_withdrawn(offer: Offer) -> Envelope[OfferWithdrawn]:
    payload = OfferWithdrawn(
        offer_id=offer.offer_id, trader_id=offer.trader_id, mineral=offer.mineral
    )
    return _event("offer.withdrawn", payload, key=offer.offer_id)


def trader_registered(trader: Trader) -> Envelope[TraderRegistered]:
    payload = TraderRegistered(
        trader_id=trader.trader_id,
        name=trader.name,
        markets=list(trader.markets),
        rank=trader.rank,
        capacity=trader.capacity,
        exposure_limit_usd=trader.exposure_limit_usd,
        active=trader.active,
    )
    return _event("program.trader_registered", payload, key=trader.trader_id)


_TOPIC_OF = {
    "fill.confirmed": topics.TRADER_FILLS,
    "leg.declined": topics.TRADER_DECLINES,
    "offer.published": topics.TRADER_OFFERS,
    "offer.withdrawn": topics.TRADER_OFFERS,
    "program.trader_registered": topics.PROGRAM_TRADERS,
}
TOPICS = tuple(dict.fromkeys(_TOPIC_OF.values()))


async def enqueue(conn: Connection, events: Sequence[EventMeta]) -> None:
    """Record the events in the caller's transaction, each on its agreed topic."""
    await outbox.enqueue(conn, [(_TOPIC_OF[event.type], event) for event in events])


def _event(event_type: str, payload: P, *, key: str) -> Envelope[P]:
    return new_event(event_type, payload, key=key, producer=PRODUCER)
