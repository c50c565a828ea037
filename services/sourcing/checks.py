"""Checks on what arrives from other systems, before it can touch an order or the book.

Each returns None when the input is acceptable, else the reason it is refused:
the handler dead-letters a refused event with that reason, for ops to see.
"""

from __future__ import annotations

from decimal import Decimal

from services.sourcing.domain import TierPolicy, is_excluded
from services.sourcing.state import LegState, OrderState
from shared.catalogue import Catalogue
from shared.contracts import FillConfirmed, OfferPublished, ProcurementRequested, UnitPrice


def request_refusal(request: ProcurementRequested, catalogue: Catalogue) -> str | None:
    mineral = catalogue.get(request.mineral)
    if mineral is None:
        return f"mineral {request.mineral!r} is not in the catalogue"
    if request.market != mineral.market:
        return f"{mineral.id} trades in market {mineral.market}, not {request.market}"
    if request.quantity.unit != mineral.unit:
        return f"{mineral.id} is ordered in {mineral.unit}, not {request.quantity.unit}"
    return _price_unit_refusal(request.limit_price, mineral.unit, "limit price")


def offer_refusal(offer: OfferPublished, catalogue: Catalogue) -> str | None:
    mineral = catalogue.get(offer.mineral)
    if mineral is None:
        return f"mineral {offer.mineral!r} is not in the catalogue"
    if offer.market != mineral.market:
        return f"{mineral.id} trades in market {mineral.market}, not {offer.market}"
    if offer.quantity.unit != mineral.unit:
        return f"{mineral.id} is offered in {mineral.unit}, not {offer.quantity.unit}"
    return _price_unit_refusal(offer.unit_price, mineral.unit, "unit price")


def fill_refusal(
    fill: FillConfirmed, order: OrderState, leg: LegState | None, policy: TierPolicy
) -> str | None:
    """Why a confirmed fill cannot be recorded against its leg, or None.

    A fill is title to material: it is never recorded in part, and never beyond
    what its leg has left, above the leg's price, from another origin than the
    offer it takes, or from an origin the leg's phase excludes.
    """
    if leg is None or leg.order_id != order.order_id:
        return f"leg {fill.leg_id} is not a leg of order {order.order_id}"
    if leg.trader_id != fill.trader_id:
        return f"leg {leg.leg_id} is routed to another trader, not {fill.trader_id}"
    if fill.mineral != order.mineral or fill.manufacturer_id != order.manufacturer_id:
        return "mineral or manufacturer differ from the order's"
    if not leg.is_open:
        return f"leg {leg.leg_id} is {leg.status}"
    if fill.quantity.unit != order.unit:
        return f"quantity in {fill.quantity.unit}; the order is in {order.unit}"
    if fill.quantity.amount > leg.remainder:
        return f"fill of {fill.quantity.amount} exceeds the {leg.remainder} left on the leg"
    price_unit = _price_unit_refusal(fill.unit_price, order.unit, "unit price")
    if price_unit is not None:
        return price_unit
    if fill.unit_price.amount > leg.unit_price:
        return f"unit price {fill.unit_price.amount} is above the leg's limit {leg.unit_price}"
    if leg.origin_country is not None and fill.origin_country != leg.origin_country:
        return f"origin {fill.origin_country} is not the offer's origin {leg.origin_country}"
    if is_excluded(policy, leg.phase, fill.origin_country):
        return f"origin {fill.origin_country} is excluded in {leg.phase}"
    return None


def _price_unit_refusal(price: UnitPrice | None, unit: str, what: str) -> str | None:
    if price is not None and price.per != unit:
        return f"{what} is per {price.per}; the mineral is traded per {unit}"
    return None


def same_fill(known_leg_id: str, known_quantity: Decimal, fill: FillConfirmed) -> bool:
    """A re-sent fill (same id, same content) is a duplicate; anything else reuses an id."""
    return known_leg_id == fill.leg_id and known_quantity == fill.quantity.amount
