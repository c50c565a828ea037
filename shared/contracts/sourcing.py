"""Contracts of sourcing: legs routed to traders, order status, program data."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from shared import topics
from shared.contracts.common import (
    Amount,
    Country,
    Event,
    Identifier,
    Phase,
    Quantity,
    Tier,
    UnitPrice,
)

OrderStatus = Literal["routed", "partly_filled", "filled", "waiting", "expired", "cancelled"]


class LegRouted(Event):
    """``leg.routed``: a leg of an order goes to one specialist trader.

    It states every term the gateway holds a fill to: quantity, limit price, deadline,
    the offer's origin (offer legs) and the origins the leg's phase excludes. 1.1 adds
    ``excluded_origins`` (empty when absent, as 1.0 events were).
    """

    EVENT_TYPE = "leg.routed"
    TOPIC = topics.SOURCING_LEGS
    VERSION = "1.1"

    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    manufacturer_id: str
    mineral: str
    market: str
    quantity: Quantity
    limit_price: UnitPrice | None = None
    deadline: AwareDatetime
    kind: Literal["offer", "mandate"]
    offer_id: str | None = None
    tier: Tier | None = None
    origin_country: Country | None = None
    warehouse_id: str | None = None
    tier_preference: list[Tier] = Field(default_factory=list)
    excluded_origins: list[Country] = Field(
        default_factory=list,
        description="origins the leg's phase excludes under the policy it was routed under",
    )
    phase: Phase
    policy_version: str

    def partition_key(self) -> str:
        return self.order_id


class LegCancelRequested(Event):
    """``leg.cancel_requested``: sourcing asks for an open leg back (its order closed).

    The gateway owns the leg's closing: it cancels the leg if still open and says so
    (``leg.closed``, reason ``cancelled``); a fill that won the race stands.
    """

    EVENT_TYPE = "leg.cancel_requested"
    TOPIC = topics.SOURCING_LEGS

    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    reason: str

    def partition_key(self) -> str:
        return self.order_id


class OrderStatusChanged(Event):
    """``order.status_changed``: an order's state, what is open, and why.

    ``quantity - filled - open`` is with traders on open legs (unless expired).
    """

    EVENT_TYPE = "order.status_changed"
    TOPIC = topics.SOURCING_ORDERS

    order_id: Identifier
    manufacturer_id: str
    status: OrderStatus
    mineral: str
    quantity: Quantity
    filled: Amount = Field(description="confirmed by fills, in the quantity's unit")
    open: Amount = Field(
        description="waiting for supply: on no leg and not filled (not placed, if expired)"
    )
    reason: str = Field(description="why the open quantity waits; empty when nothing is open")
    explanation: dict[str, Any] = Field(
        default_factory=dict,
        description="the latest decision: phase, policy version, winning tier, legs, "
        "offers considered and the cheaper ones not taken with why",
    )

    def partition_key(self) -> str:
        return self.order_id


class PhaseSet(Event):
    """``program.phase_set``: a mineral enters initial fill or replenishment."""

    EVENT_TYPE = "program.phase_set"
    TOPIC = topics.PROGRAM_PHASES

    mineral: str
    phase: Phase
    set_by: str
    reason: str = ""
    effective_at: datetime | None = None

    def partition_key(self) -> str:
        return self.mineral


class TraderRegistered(Event):
    """``program.trader_registered``: a trading house, its markets, rank and limits (data, not code)."""

    EVENT_TYPE = "program.trader_registered"
    TOPIC = topics.PROGRAM_TRADERS

    trader_id: Identifier
    name: str
    markets: list[str]
    rank: int = Field(ge=1, description="1 = first choice within its markets")
    capacity: Amount = Field(description="most open quantity at once, in the market's unit")
    exposure_limit_usd: Amount
    active: bool = True

    def partition_key(self) -> str:
        return self.trader_id


class FillRecorded(Event):
    """``order.fill_recorded``: sourcing learnt a fill the gateway confirmed, for the order.

    Carries what only sourcing knows (tier, phase and policy the material was
    bought under, and the manufacturer who funded it), so inventory can book the lot.
    """

    EVENT_TYPE = "order.fill_recorded"
    TOPIC = topics.SOURCING_ORDERS

    fill_id: Identifier
    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    manufacturer_id: str
    mineral: str
    quantity: Quantity
    unit_price: UnitPrice
    origin_country: Country
    tier: Tier
    warehouse_id: Identifier
    lot_reference: str
    filled_at: AwareDatetime
    phase: Phase
    policy_version: str

    def partition_key(self) -> str:
        return self.order_id
