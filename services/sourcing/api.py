"""Sourcing's HTTP read API: an order's state, its legs and fills, and why it was routed so."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from services.sourcing import views
from services.sourcing.domain import OrderStatus
from shared.service import Service

# Written as plain decimal text ("30000", never "3E+4"), whatever form the Decimal took.
Amount = Annotated[
    Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")
]


class _View(BaseModel):
    # Decimals are written as JSON strings: quantities and prices never pass through floats.
    model_config = ConfigDict(frozen=True)


class LegView(_View):
    leg_id: str
    sequence: int
    kind: str = Field(description="offer (take a published offer) or mandate (find the material)")
    trader_id: str
    quantity: Amount
    filled: Amount
    status: str = Field(description="open, filled, declined or expired")
    unit_price: Amount = Field(description="the offer's price, or the mandate's limit")
    offer_id: str | None
    tier: str | None
    origin_country: str | None
    warehouse_id: str | None
    deadline: datetime
    phase: str
    policy_version: str
    cascaded_from: str | None = Field(description="the failed leg whose remainder this took")
    closed_reason: str


class FillView(_View):
    fill_id: str
    leg_id: str
    trader_id: str
    quantity: Amount
    unit_price: Amount
    origin_country: str
    tier: str
    warehouse_id: str
    lot_reference: str
    filled_at: datetime
    phase: str
    policy_version: str


class DecisionView(_View):
    number: int
    trigger: str = Field(
        description="requested, offers_arrived, trader_registered, leg_declined or leg_expired"
    )
    decided_at: datetime
    phase: str
    policy_version: str
    record: dict[str, Any] = Field(
        description="offers considered (outcome, rank, reason each), winning tier, "
        "cheaper offers not taken and why, legs, what stayed open and why"
    )


class OrderSummary(_View):
    order_id: str
    manufacturer_id: str
    request_id: str
    kind: str
    mineral: str
    market: str
    unit: str
    quantity: Amount
    filled: Amount
    on_legs: Amount = Field(description="with traders now: the unfilled part of open legs")
    open: Amount = Field(description="waiting for supply: on no leg, not filled")
    reason: str = Field(description="why the open quantity is waiting")
    status: OrderStatus
    deliver_by: date
    limit_price: Amount | None
    created_at: datetime
    updated_at: datetime


class OrderDetail(OrderSummary):
    explanation: dict[str, Any] = Field(description="the latest decision's full record")
    legs: list[LegView]
    fills: list[FillView]
    decisions: list[DecisionView]


class OrderPage(_View):
    items: list[OrderSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


def create_api(service: Service) -> FastAPI:
    api = FastAPI(
        title="Vault sourcing",
        version="1",
        description="Procurement orders as sourcing placed them: legs, fills and the why.",
    )

    @api.get("/v1/orders/{order_id}", response_model=OrderDetail)
    async def get_order(order_id: str) -> dict[str, Any]:
        found = await views.order(service.pool, order_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"no order {order_id}")
        return found

    @api.get("/v1/orders", response_model=OrderPage)
    async def list_orders(
        manufacturer_id: Annotated[str | None, Query(max_length=200)] = None,
        status: OrderStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> dict[str, Any]:
        try:
            page = await views.orders(
                service.pool,
                manufacturer_id=manufacturer_id,
                status=None if status is None else str(status),
                limit=limit,
                cursor=cursor,
            )
        except views.BadCursor as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        return {"items": page.rows, "next_cursor": page.next_cursor}

    return api
