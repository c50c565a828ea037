"""Contracts of the trader gateway: fills, declines, offers."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime

from shared.contracts.common import Contract, Country, Identifier, Quantity, UnitPrice


class FillConfirmed(Contract):
    """``fill.confirmed``: a trader confirmed (part of) a leg; keyed by order id."""

    fill_id: Identifier
    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    manufacturer_id: str
    mineral: str
    quantity: Quantity
    unit_price: UnitPrice
    origin_country: Country
    warehouse_id: Identifier
    lot_reference: str
    filled_at: AwareDatetime


class LegDeclined(Contract):
    """``leg.declined``: the trader will not fill ``quantity`` (the remainder) of the leg."""

    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    quantity: Quantity
    reason: str


class OfferPublished(Contract):
    """``offer.published``: what a trader can supply (also sent for updates, same offer id)."""

    offer_id: Identifier
    trader_id: Identifier
    mineral: str
    market: str
    origin_country: Country
    quantity: Quantity
    unit_price: UnitPrice
    warehouse_id: Identifier
    available_on: date
    valid_until: AwareDatetime


class OfferWithdrawn(Contract):
    """``offer.withdrawn``: the offer is no longer available."""

    offer_id: Identifier
    trader_id: Identifier
    mineral: str
