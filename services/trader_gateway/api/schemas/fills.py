"""Fill confirmations: one, or a batch, and what each became."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.trader_gateway.api.problems import Problem, refusal_document
from services.trader_gateway.api.schemas.common import (
    Country,
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
from services.trader_gateway.api.schemas.legs import LegOut
from services.trader_gateway.domain import MAX_BATCH_SIZE, FillProposal, FillRefused
from services.trader_gateway.handlers.fills import FillBooked


class FillRequest(RequestBody):
    """A fill on one leg. Partial fills are normal; the leg, owner and status are not
    yours to set (they come from the leg and your key)."""

    mineral: MineralId = Field(description="must be the leg's mineral")
    quantity: QuantityIn = Field(description="in the leg's unit; at most what is left")
    unit_price: UnitPriceIn = Field(description="per the leg's unit; at most its limit price")
    origin_country: Country
    warehouse_id: Identifier
    lot_reference: Identifier
    filled_at: Timestamp = Field(description="when title passed; not after the deadline")

    def proposal(self) -> FillProposal:
        return FillProposal(
            quantity=self.quantity.amount,
            unit_price=self.unit_price.amount,
            mineral=self.mineral,
            origin_country=self.origin_country,
            warehouse_id=self.warehouse_id,
            lot_reference=self.lot_reference,
            filled_at=self.filled_at,
            unit=self.quantity.unit_value,
            price_per=self.unit_price.per_value,
        )


class BatchItem(FillRequest):
    leg_id: Identifier


class BatchRequest(RequestBody):
    fills: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH_SIZE)


class FillOut(BaseModel):
    fill_id: str
    leg_id: str
    order_id: str
    mineral: str
    quantity: QuantityOut
    unit_price: UnitPriceOut
    origin_country: str
    warehouse_id: str
    lot_reference: str
    filled_at: datetime
    leg: LegOut = Field(description="the leg after this fill: see remaining")

    @classmethod
    def of(cls, booked: FillBooked, now: datetime) -> FillOut:
        fill = booked.fill
        return cls(
            fill_id=booked.fill_id,
            leg_id=fill.leg_id,
            order_id=fill.order_id,
            mineral=fill.mineral,
            quantity=quantity(fill.quantity, fill.unit),
            unit_price=price(fill.unit_price, fill.unit),
            origin_country=fill.origin_country,
            warehouse_id=fill.warehouse_id,
            lot_reference=fill.lot_reference,
            filled_at=fill.filled_at,
            leg=LegOut.of(booked.leg, now),
        )


class BatchResult(BaseModel):
    index: int = Field(description="position of the item in the request")
    status: int = Field(description="201 booked, or the status the fill alone would have had")
    fill: FillOut | None = None
    problem: Problem | None = None

    @classmethod
    def of(cls, index: int, result: FillBooked | FillRefused, now: datetime) -> BatchResult:
        if isinstance(result, FillRefused):
            problem = Problem.model_validate(refusal_document(result))
            return cls(index=index, status=problem.status, problem=problem)
        return cls(index=index, status=201, fill=FillOut.of(result, now))


class BatchResponse(BaseModel):
    accepted: int
    refused: int
    results: list[BatchResult]

    @classmethod
    def of(cls, results: list[BatchResult]) -> BatchResponse:
        accepted = sum(1 for r in results if r.fill is not None)
        return cls(accepted=accepted, refused=len(results) - accepted, results=results)
