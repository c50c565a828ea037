"""Offers: what a trader can supply, in the markets it is registered for."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.trader_gateway.api.schemas.common import (
    Country,
    Day,
    Identifier,
    MineralId,
    QuantityIn,
    QuantityOut,
    RequestBody,
    Timestamp,
    UnitPriceIn,
    UnitPriceOut,
    price,
    quantity,
)
from services.trader_gateway.domain import OfferChanges
from services.trader_gateway.repository.offers import OfferRecord


class OfferTerms(RequestBody):
    """What a trader may change on its offer."""

    quantity: QuantityIn = Field(description="in the mineral's catalogue unit")
    unit_price: UnitPriceIn = Field(description="per the mineral's catalogue unit")
    warehouse_id: Identifier
    available_on: Day = Field(description="first day the material can be delivered")
    valid_until: Timestamp = Field(description="at most 180 days ahead")

    def changes(self) -> OfferChanges:
        return OfferChanges(
            quantity=self.quantity.amount,
            unit_price=self.unit_price.amount,
            warehouse_id=self.warehouse_id,
            valid_until=self.valid_until,
            available_on=self.available_on,
        )


class OfferRequest(OfferTerms):
    """A new offer. Mineral and origin define it: to change them, withdraw and publish anew."""

    mineral: MineralId = Field(description="catalogue id; its market must be one of yours")
    origin_country: Country


class OfferOut(BaseModel):
    offer_id: str
    mineral: str
    market: str
    origin_country: str
    quantity: QuantityOut
    unit_price: UnitPriceOut
    warehouse_id: str
    available_on: date
    valid_until: datetime
    status: str = Field(description="active, withdrawn or expired")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, record: OfferRecord, now: datetime) -> OfferOut:
        offer = record.offer
        return cls(
            offer_id=offer.offer_id,
            mineral=offer.mineral,
            market=offer.market,
            origin_country=offer.origin_country,
            quantity=quantity(offer.quantity, offer.unit),
            unit_price=price(offer.unit_price, offer.unit),
            warehouse_id=offer.warehouse_id,
            available_on=offer.available_on,
            valid_until=offer.valid_until,
            status=record.status_at(now),
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: str | None
