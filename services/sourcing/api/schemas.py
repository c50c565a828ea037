"""What sourcing's read API answers with. Amounts are plain decimal text, never floats."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.sourcing.domain import OrderStatus
from services.sourcing.domain.exceptions import subject_problem
from shared.http.json import DecimalText


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class LegView(_View):
    leg_id: str
    sequence: int
    kind: str = Field(description="offer (take a published offer) or mandate (find the material)")
    trader_id: str
    quantity: DecimalText
    filled: DecimalText
    status: str = Field(description="open, filled, declined, expired or cancelled")
    unit_price: DecimalText = Field(description="the offer's price, or the mandate's limit")
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
    quantity: DecimalText
    unit_price: DecimalText
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
        description="requested, offers_arrived, trader_registered, phase_set, ceiling_set, "
        "exception_approved, leg_declined, leg_expired or room_freed (a closing freed room "
        "under the annual ceiling)"
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
    quantity: DecimalText
    filled: DecimalText
    on_legs: DecimalText = Field(description="with traders now: the unfilled part of open legs")
    open: DecimalText = Field(description="waiting for supply: on no leg, not filled")
    reason: str = Field(description="why the open quantity is waiting")
    status: OrderStatus
    deliver_by: date
    limit_price: DecimalText | None
    created_at: datetime
    updated_at: datetime


class OrderDetail(OrderSummary):
    explanation: dict[str, Any] = Field(description="the latest decision's full record")
    legs: list[LegView]
    fills: list[FillView]
    decisions: list[DecisionView]


class StoryLeg(_View):
    leg_id: str
    sequence: int
    kind: str
    quantity: DecimalText
    filled: DecimalText
    status: str
    tier: str | None
    origin_country: str | None
    deadline: datetime
    phase: str
    closed_reason: str


class StoryFill(_View):
    fill_id: str
    leg_id: str
    quantity: DecimalText
    unit_price: DecimalText = Field(description="what this manufacturer pays for the fill")
    origin_country: str
    tier: str
    warehouse_id: str
    filled_at: datetime
    phase: str


class StoryDecision(_View):
    number: int
    trigger: str
    decided_at: datetime
    phase: str


class OrderStory(OrderSummary):
    """A manufacturer's own order: no trader, no competing offer, no other party's price
    (``shared.access.entitlements.order_story``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    legs: list[StoryLeg]
    fills: list[StoryFill]
    decisions: list[StoryDecision]


class OrderPage(_View):
    items: list[OrderSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class ExceptionIn(BaseModel):
    """A policy exception a program admin approves for one order."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["over_premium_cap", "excluded_origin", "non_primary_trader"] = Field(
        description="over_premium_cap: domestic offers rank before every allied one, whatever"
        " their premium; excluded_origin: offers of `subject` (a country) are eligible though"
        " the phase excludes it; non_primary_trader: what no offer covers is mandated to"
        " `subject` (a trader) first"
    )
    subject: str = Field(
        default="",
        max_length=100,
        description="excluded_origin: the origin country (ISO 3166, e.g. RU);"
        " non_primary_trader: the trader id; over_premium_cap: none",
    )
    reason: str = Field(min_length=1, max_length=500, description="why (recorded)")

    @model_validator(mode="after")
    def _subject_fits_the_kind(self) -> ExceptionIn:
        problem = subject_problem(self.kind, self.subject)
        if problem is not None:
            raise ValueError(problem)
        return self


class WithdrawalIn(BaseModel):
    """Which standing approval of the order to withdraw, and why."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["over_premium_cap", "excluded_origin", "non_primary_trader"]
    subject: str = Field(default="", max_length=100)
    reason: str = Field(min_length=1, max_length=500, description="why (recorded)")


class ExceptionView(_View):
    order_id: str
    kind: str
    subject: str
    reason: str
    approved_by: str
    approved_at: datetime
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


class ExceptionList(_View):
    items: list[ExceptionView] = Field(description="standing and withdrawn, oldest first")
