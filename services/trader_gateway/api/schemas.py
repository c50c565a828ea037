"""What the traders' API reads and answers: legs, fills, declines and offers.

Requests forbid unknown fields (no mass assignment, OWASP API3) and bound every
number (``values.py``); answers say what the API promises and nothing more. Ops'
bodies are beside their routes, in ``admin.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from services.trader_gateway.api import refusals
from services.trader_gateway.api.values import (
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
)
from services.trader_gateway.domain import (
    MAX_BATCH_SIZE,
    MAX_REASON_LENGTH,
    FillProposal,
    FillRefused,
    OfferChanges,
    OfferProposal,
    PendingStatus,
)
from services.trader_gateway.handlers.declines import DeclineBooked
from services.trader_gateway.handlers.fills import FillBooked, FillHeld
from services.trader_gateway.repository.legs import LegRecord
from services.trader_gateway.repository.offers import OfferRecord
from services.trader_gateway.repository.pending import PendingRecord
from shared.contracts import Unit
from shared.http.json import DecimalText
from shared.http.problems import Problem


class LegOut(BaseModel):
    """A leg as its trader sees it: what is left, at what limit, by when."""

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
    pending_approval: QuantityOut = Field(
        description="held by your fills awaiting a program admin's approval (beyond the "
        "price tolerance): part of remaining, but no other fill or decline can take it"
    )
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
        assert record.updated_at is not None, "a leg is shown as stored"
        return cls(
            leg_id=leg.leg_id,
            order_id=leg.order_id,
            mineral=leg.mineral,
            market=record.market,
            status=leg.status_at(now).value,
            quantity=QuantityOut.of(leg.quantity, leg.unit),
            filled=QuantityOut.of(leg.filled_quantity, leg.unit),
            remaining=QuantityOut.of(leg.remaining, leg.unit),
            pending_approval=QuantityOut.of(leg.pending_quantity, leg.unit),
            limit_price=None
            if leg.limit_price is None
            else UnitPriceOut.of(leg.limit_price, leg.unit),
            deadline=leg.deadline,
            kind=leg.kind.value,
            offer_id=record.offer_id,
            tier=record.tier,
            origin_country=leg.origin_country,
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
            unit=Unit(self.quantity.unit),
            price_per=Unit(self.unit_price.per),
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
    reference_price: UnitPriceOut | None = Field(
        default=None, description="treasury's reference in force on the fill's day, if any"
    )
    deviation: DecimalText | None = Field(
        default=None, description="(unit_price - reference) / reference; 0.12 = 12% above"
    )
    leg: LegOut = Field(description="the leg after this fill: see remaining")

    @classmethod
    def of(cls, booked: FillBooked, now: datetime) -> FillOut:
        fill = booked.fill
        return cls(
            fill_id=booked.fill_id,
            leg_id=fill.leg_id,
            order_id=fill.order_id,
            mineral=fill.mineral,
            quantity=QuantityOut.of(fill.quantity, fill.unit),
            unit_price=UnitPriceOut.of(fill.unit_price, fill.unit),
            origin_country=fill.origin_country,
            warehouse_id=fill.warehouse_id,
            lot_reference=fill.lot_reference,
            filled_at=fill.filled_at,
            reference_price=_price(fill.reference_price, fill.unit),
            deviation=fill.deviation,
            leg=LegOut.of(booked.leg, now),
        )


def _price(amount: Decimal | None, unit: Unit) -> UnitPriceOut | None:
    return None if amount is None else UnitPriceOut.of(amount, unit)


class PendingFillOut(BaseModel):
    """A fill priced beyond the tolerance around treasury's reference: not refused, not
    counted yet. A program admin approves it (it becomes the fill of this id, and is
    confirmed to the rest of Vault) or rejects it with a reason; a leg that closes first
    rejects it. Until then its quantity is held on the leg."""

    fill_id: str
    status: str = Field(description="pending_approval, approved or rejected")
    leg_id: str
    order_id: str
    mineral: str
    quantity: QuantityOut
    unit_price: UnitPriceOut
    origin_country: str
    warehouse_id: str
    lot_reference: str
    filled_at: datetime
    reference_price: UnitPriceOut
    deviation: DecimalText
    tolerance: DecimalText = Field(description="the mineral's tolerance, either way")
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = Field(default=None, description="why it was approved or rejected")
    leg: LegOut | None = Field(default=None, description="the leg as the hold left it")

    @classmethod
    def of(cls, pending: PendingRecord, leg: LegOut | None = None) -> PendingFillOut:
        fill = pending.fill
        assert fill.reference_price is not None
        assert fill.deviation is not None
        return cls(
            fill_id=pending.fill_id,
            status=pending.status.value,
            leg_id=fill.leg_id,
            order_id=fill.order_id,
            mineral=fill.mineral,
            quantity=QuantityOut.of(fill.quantity, fill.unit),
            unit_price=UnitPriceOut.of(fill.unit_price, fill.unit),
            origin_country=fill.origin_country,
            warehouse_id=fill.warehouse_id,
            lot_reference=fill.lot_reference,
            filled_at=fill.filled_at,
            reference_price=UnitPriceOut.of(fill.reference_price, fill.unit),
            deviation=fill.deviation,
            tolerance=pending.tolerance,
            decided_by=pending.decided_by,
            decided_at=pending.decided_at,
            reason=pending.reason,
            leg=leg,
        )

    @classmethod
    def held(cls, held: FillHeld, now: datetime) -> PendingFillOut:
        check = held.held.check
        assert check.tolerance is not None
        record = PendingRecord(
            held.fill_id,
            held.held.fill,
            check.tolerance,
            PendingStatus.PENDING,
            now,
            None,
            None,
            None,
        )
        return cls.of(record, LegOut.of(held.leg, now))


class PendingFillPage(BaseModel):
    items: list[PendingFillOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null at the end"
    )


class BatchResult(BaseModel):
    index: int = Field(description="position of the item in the request")
    status: int = Field(
        description="201 booked, 202 pending approval (priced beyond the tolerance), or the "
        "status the fill alone would have had"
    )
    fill: FillOut | None = None
    pending: PendingFillOut | None = None
    problem: Problem | None = None

    @classmethod
    def of(
        cls, index: int, result: FillBooked | FillHeld | FillRefused, now: datetime
    ) -> BatchResult:
        if isinstance(result, FillRefused):
            problem = Problem.model_validate(refusals.document(result))
            return cls(index=index, status=problem.status, problem=problem)
        if isinstance(result, FillHeld):
            return cls(index=index, status=202, pending=PendingFillOut.held(result, now))
        return cls(index=index, status=201, fill=FillOut.of(result, now))


class BatchResponse(BaseModel):
    accepted: int
    refused: int
    pending: int = Field(default=0, description="held for approval (status 202)")
    results: list[BatchResult]

    @classmethod
    def of(cls, results: list[BatchResult]) -> BatchResponse:
        accepted = sum(1 for r in results if r.fill is not None)
        pending = sum(1 for r in results if r.pending is not None)
        return cls(
            accepted=accepted,
            refused=len(results) - accepted - pending,
            pending=pending,
            results=results,
        )


class DeclineRequest(RequestBody):
    reason: str = Field(min_length=1, max_length=MAX_REASON_LENGTH)
    quantity: QuantityIn | None = Field(
        default=None,
        description="optional check: must equal what is left, so a fill that landed since "
        "you looked is not declined by mistake",
    )


class DeclineOut(BaseModel):
    declined: QuantityOut
    reason: str
    leg: LegOut

    @classmethod
    def of(cls, booked: DeclineBooked, now: datetime) -> DeclineOut:
        decline = booked.decline
        return cls(
            declined=QuantityOut.of(decline.declined_quantity, decline.unit),
            reason=decline.reason,
            leg=LegOut.of(booked.leg, now),
        )


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

    @property
    def units(self) -> tuple[Unit, Unit]:
        return Unit(self.quantity.unit), Unit(self.unit_price.per)


class OfferRequest(OfferTerms):
    """A new offer. Mineral and origin define it: to change them, withdraw and publish anew."""

    mineral: MineralId = Field(description="catalogue id; its market must be one of yours")
    origin_country: Country

    def proposal(self) -> OfferProposal:
        return OfferProposal(
            mineral=self.mineral,
            origin_country=self.origin_country,
            quantity=self.quantity.amount,
            quantity_unit=Unit(self.quantity.unit),
            unit_price=self.unit_price.amount,
            price_per=Unit(self.unit_price.per),
            warehouse_id=self.warehouse_id,
            available_on=self.available_on,
            valid_until=self.valid_until,
        )


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
            quantity=QuantityOut.of(offer.quantity, offer.unit),
            unit_price=UnitPriceOut.of(offer.unit_price, offer.unit),
            warehouse_id=offer.warehouse_id,
            available_on=offer.available_on,
            valid_until=offer.valid_until,
            status=offer.status_at(now),
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: str | None
