"""An order and its legs as sourcing keeps them, and how they map onto the allocation rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from services.sourcing.domain.eligibility import Exclusions
from services.sourcing.domain.legs import Leg, MandateLeg, OfferLeg
from services.sourcing.domain.lifecycle import OrderStatus, is_past_delivery, order_status
from services.sourcing.domain.procurement import ProcurementRequest
from shared.contracts import Phase, Tier, Unit

LegKind = Literal["offer", "mandate"]
LegStatus = Literal["open", "filled", "declined", "expired", "cancelled"]
OrderKind = Literal["procurement", "replenishment"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderState:
    order_id: str
    manufacturer_id: str
    request_id: str
    kind: OrderKind
    mineral: str
    market: str
    unit: Unit
    quantity: Decimal
    deliver_by: date
    limit_price: Decimal | None
    status: OrderStatus
    filled: Decimal
    open_quantity: Decimal
    """What no leg covers and no fill took: waiting for supply."""
    open_reason: str
    on_legs: Decimal
    """What traders hold now: the unfilled part of the order's open legs."""
    next_sequence: int
    excluded_offers: frozenset[str]
    excluded_specialists: frozenset[str]
    explanation: dict[str, Any] = field(default_factory=dict)
    correlation_id: str

    def request(self) -> ProcurementRequest:
        # The order id is the domain's request id: legs are named after it.
        return ProcurementRequest(
            request_id=self.order_id,
            mineral=self.mineral,
            market=self.market,
            quantity=self.quantity,
            deliver_by=self.deliver_by,
            limit_price=self.limit_price,
            unit=self.unit,
        )

    def exclusions(self) -> Exclusions:
        return Exclusions(self.excluded_offers, self.excluded_specialists)

    def phase_for(self, mineral_phase: Phase) -> Phase:
        """Refilling a release goes down the waterfall whatever the mineral's phase."""
        return Phase.REPLENISHMENT if self.kind == "replenishment" else mineral_phase

    def is_past_delivery(self, now: datetime) -> bool:
        """Nothing more is placed once the delivery day is over: no supply need be read."""
        return is_past_delivery(now, self.deliver_by)

    def status_for(
        self, *, filled: Decimal, on_legs: Decimal, expired: bool = False
    ) -> OrderStatus:
        return order_status(quantity=self.quantity, filled=filled, on_legs=on_legs, expired=expired)


@dataclass(frozen=True, slots=True, kw_only=True)
class LegState:
    leg_id: str
    order_id: str
    sequence: int
    kind: LegKind
    trader_id: str
    mineral: str
    market: str
    quantity: Decimal
    unit_price: Decimal
    """The offer's price for an offer leg, the limit for a mandate: no fill may exceed it."""
    filled: Decimal
    status: LegStatus
    phase: Phase
    policy_version: str
    deadline: datetime
    deliver_by: date
    offer_id: str | None = None
    tier: Tier | None = None
    origin_country: str | None = None
    warehouse_id: str | None = None
    available_on: date | None = None
    tier_preference: tuple[Tier, ...] = ()
    excluded_origins: frozenset[str] = frozenset()
    cascaded_from: str | None = None
    closed_reason: str = ""
    closed_at: datetime | None = None
    cancel_requested_at: datetime | None = None
    """When sourcing asked the gateway for the leg back (it asks once)."""

    @property
    def remainder(self) -> Decimal:
        return self.quantity - self.filled

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def to_domain(self) -> Leg:
        """The leg as the domain's cascade needs it."""
        if self.kind == "offer":
            if (
                self.offer_id is None
                or self.tier is None
                or self.origin_country is None
                or self.warehouse_id is None
                or self.available_on is None
            ):
                raise ValueError(f"offer leg {self.leg_id} is stored without its offer")
            return OfferLeg(
                leg_id=self.leg_id,
                request_id=self.order_id,
                sequence=self.sequence,
                offer_id=self.offer_id,
                trader_id=self.trader_id,
                mineral=self.mineral,
                tier=self.tier,
                origin_country=self.origin_country,
                quantity=self.quantity,
                unit_price=self.unit_price,
                warehouse=self.warehouse_id,
                available_on=self.available_on,
                deliver_by=self.deliver_by,
            )
        return MandateLeg(
            leg_id=self.leg_id,
            request_id=self.order_id,
            sequence=self.sequence,
            trader_id=self.trader_id,
            mineral=self.mineral,
            market=self.market,
            quantity=self.quantity,
            limit_price=self.unit_price,
            tier_preference=self.tier_preference,
            excluded_origins=self.excluded_origins,
            policy_version=self.policy_version,
            deliver_by=self.deliver_by,
        )


def opened_leg(
    leg: Leg,
    *,
    market: str,
    phase: Phase,
    policy_version: str,
    deadline: datetime,
    cascaded_from: str | None,
    excluded_origins: frozenset[str] = frozenset(),
) -> LegState:
    """A leg the domain just decided, as it will be stored: open, nothing filled.

    ``excluded_origins``: what the phase excludes, stated on every leg (a mandate
    carries its own): the gateway refuses a fill from any of them.
    """
    common: dict[str, Any] = {
        "leg_id": leg.leg_id,
        "order_id": leg.request_id,
        "sequence": leg.sequence,
        "trader_id": leg.trader_id,
        "mineral": leg.mineral,
        "market": market,
        "quantity": leg.quantity,
        "filled": Decimal(0),
        "status": "open",
        "phase": phase,
        "policy_version": policy_version,
        "deadline": deadline,
        "deliver_by": leg.deliver_by,
        "cascaded_from": cascaded_from,
    }
    if isinstance(leg, OfferLeg):
        return LegState(
            kind="offer",
            unit_price=leg.unit_price,
            offer_id=leg.offer_id,
            tier=leg.tier,
            origin_country=leg.origin_country,
            warehouse_id=leg.warehouse,
            available_on=leg.available_on,
            excluded_origins=excluded_origins,
            **common,
        )
    return LegState(
        kind="mandate",
        unit_price=leg.limit_price,
        tier_preference=leg.tier_preference,
        excluded_origins=leg.excluded_origins,
        **common,
    )
