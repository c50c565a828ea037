"""What the gateway tells the rest of Vault: contract payloads built from what the domain decided.

Topics, types and keys are the contracts' own (``shared.contracts.trader`` and
``.sourcing``): a leg's facts (fills, its closing) travel on ``vault.trader.legs`` keyed
by order id, offers by offer id, traders by trader id. Every event is enqueued in the
transaction that decides it, under the leg's row lock.
"""

from __future__ import annotations

from services.trader_gateway.domain import FillAccepted, LegClosing, Offer, Trader
from services.trader_gateway.settings import NAME
from shared.contracts import (
    FillConfirmed,
    LegClosed,
    OfferPublished,
    OfferWithdrawn,
    Quantity,
    TraderRegistered,
    UnitPrice,
)
from shared.envelope import Envelope, EventMeta, new_event


def fill_confirmed(
    fill_id: str, fill: FillAccepted, manufacturer_id: str, *, approved_by: str | None = None
) -> Envelope[FillConfirmed]:
    payload = FillConfirmed(
        fill_id=fill_id,
        leg_id=fill.leg_id,
        order_id=fill.order_id,
        trader_id=fill.trader_id,
        manufacturer_id=manufacturer_id,
        mineral=fill.mineral,
        quantity=Quantity(amount=fill.quantity, unit=fill.unit.value),
        unit_price=UnitPrice(amount=fill.unit_price, per=fill.unit.value),
        origin_country=fill.origin_country,
        warehouse_id=fill.warehouse_id,
        lot_reference=fill.lot_reference,
        filled_at=fill.filled_at,
        leg_filled=fill.leg_filled,
        leg_remaining=fill.remaining_after,
        reference_price=fill.reference_price,
        deviation=fill.deviation,
        approved_by=approved_by,
    )
    return new_event(payload, producer=NAME)


def leg_closed(closing: LegClosing, *, cause: EventMeta | None = None) -> Envelope[LegClosed]:
    payload = LegClosed(
        leg_id=closing.leg_id,
        order_id=closing.order_id,
        trader_id=closing.trader_id,
        mineral=closing.mineral,
        reason=closing.reason.value,
        quantity=Quantity(amount=closing.quantity, unit=closing.unit.value),
        filled=closing.filled,
        undone=closing.undone,
        detail=closing.detail,
        closed_at=closing.closed_at,
    )
    return new_event(payload, producer=NAME, cause=cause)


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
    return new_event(payload, producer=NAME)


def offer_withdrawn(offer: Offer) -> Envelope[OfferWithdrawn]:
    payload = OfferWithdrawn(
        offer_id=offer.offer_id, trader_id=offer.trader_id, mineral=offer.mineral
    )
    return new_event(payload, producer=NAME)


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
    return new_event(payload, producer=NAME)
