"""Contracts of sourcing: legs routed to traders, order status, program data."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from shared.contracts.common import Amount, Contract, Country, Identifier, Quantity, UnitPrice

Tier = Literal["domestic", "allied", "other"]
Phase = Literal["initial_fill", "replenishment"]
OrderStatus = Literal["routed", "partly_filled", "filled", "waiting", "expired", "cancelled"]


class LegRouted(Contract):
    """``leg.routed``: a leg of an order goes to one specialist trader."""

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
    phase: Phase
    policy_version: str


class LegCancelled(Contract):
    """``leg.cancelled``: the leg is withdrawn from its trader (e.g. order closed)."""

    leg_id: Identifier
    order_id: Identifier
    trader_id: Identifier
    reason: str


class OrderStatusChanged(Contract):
    """``order.status_changed``: an order's state, what is open, and why.

    ``quantity - filled - open`` is with traders on open legs (unless expired).
    """

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


class PhaseSet(Contract):
    """``program.phase_set``: a mineral enters initial fill or replenishment."""

    mineral: str
    phase: Phase
    set_by: str
    reason: str = ""
    effective_at: datetime | None = None


class TraderRegistered(Contract):
    """``program.trader_registered``: a trading house, its markets, rank and limits (data, not code)."""

    trader_id: Identifier
    name: str
    markets: list[str]
    rank: int = Field(ge=1, description="1 = first choice within its markets")
    capacity: Amount = Field(description="most open quantity at once, in the market's unit")
    exposure_limit_usd: Amount
    active: bool = True


class FillRecorded(Contract):
    """``order.fill_recorded``: sourcing accepted a trader's fill against the order.

    Carries what only sourcing knows (tier, phase and policy the material was
    bought under, and the manufacturer who funded it), so inventory can book the lot.
    """

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
