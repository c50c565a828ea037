"""A leg as a trader sees it: what is left, at what limit, by when."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.trader_gateway.api.schemas.common import (
    QuantityOut,
    UnitPriceOut,
    price,
    quantity,
)
from services.trader_gateway.repository.legs import LegRecord


class LegOut(BaseModel):
    leg_id: str
    order_id: str
    mineral: str
    market: str
    status: str = Field(
        description="open, partially_filled, filled, declined, cancelled or expired"
    )
    quantity: QuantityOut
    filled: QuantityOut
    remaining: QuantityOut = Field(description="what is left to fill")
    limit_price: UnitPriceOut | None = Field(description="no fill may be priced above it")
    deadline: datetime = Field(description="no fill may be dated, or sent, after it")
    kind: str = Field(description="offer (backed by one of your offers) or mandate")
    offer_id: str | None
    tier: str | None
    origin_country: str | None
    warehouse_id: str | None
    tier_preference: list[str]
    routed_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, record: LegRecord, now: datetime) -> LegOut:
        leg = record.leg
        return cls(
            leg_id=leg.leg_id,
            order_id=leg.order_id,
            mineral=leg.mineral,
            market=record.market,
            status=record.status_at(now).value,
            quantity=quantity(leg.quantity, leg.unit),
            filled=quantity(leg.filled_quantity, leg.unit),
            remaining=quantity(leg.remaining, leg.unit),
            limit_price=None if leg.limit_price is None else price(leg.limit_price, leg.unit),
            deadline=leg.deadline,
            kind=leg.kind.value,
            offer_id=record.offer_id,
            tier=record.tier,
            origin_country=record.origin_country,
            warehouse_id=record.warehouse_id,
            tier_preference=[t.value for t in leg.tier_preference],
            routed_at=record.routed_at,
            updated_at=record.updated_at,
        )


class LegPage(BaseModel):
    items: list[LegOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null at the end"
    )
