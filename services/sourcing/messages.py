"""The events sourcing publishes, built from its stored state. All are keyed by order id.

Every event about an order carries the order's correlation id (the demand that
started it), whatever event triggered it: an order's story is one thread in the logs.
"""

from __future__ import annotations

from decimal import Decimal

from services.sourcing.domain import Tier
from services.sourcing.state import LegState, OrderState
from shared import topics
from shared.contracts import (
    FillConfirmed,
    FillRecorded,
    LegCancelled,
    LegRouted,
    OrderStatusChanged,
    Quantity,
    UnitPrice,
)
from shared.contracts.common import Contract
from shared.envelope import EventMeta, new_event

PRODUCER = "sourcing"
Outgoing = tuple[str, EventMeta]


def _event(topic: str, event_type: str, payload: Contract, order: OrderState) -> Outgoing:
    return topic, new_event(
        event_type,
        payload,
        key=order.order_id,
        producer=PRODUCER,
        correlation_id=order.correlation_id,
    )


def leg_routed(order: OrderState, leg: LegState) -> Outgoing:
    unit = order.unit
    return _event(
        topics.SOURCING_LEGS,
        "leg.routed",
        LegRouted(
            leg_id=leg.leg_id,
            order_id=order.order_id,
            trader_id=leg.trader_id,
            manufacturer_id=order.manufacturer_id,
            mineral=order.mineral,
            market=order.market,
            quantity=Quantity(amount=leg.quantity, unit=unit),
            # For an offer leg the offer's own price is the limit: a fill above it breaks the offer.
            limit_price=UnitPrice(amount=leg.unit_price, per=unit),
            deadline=leg.deadline,
            kind=leg.kind,
            offer_id=leg.offer_id,
            tier=leg.tier,
            origin_country=leg.origin_country,
            warehouse_id=leg.warehouse_id,
            tier_preference=list(leg.tier_preference),
            phase=leg.phase,
            policy_version=leg.policy_version,
        ),
        order,
    )


def leg_cancelled(order: OrderState, leg: LegState, reason: str) -> Outgoing:
    return _event(
        topics.SOURCING_LEGS,
        "leg.cancelled",
        LegCancelled(
            leg_id=leg.leg_id, order_id=order.order_id, trader_id=leg.trader_id, reason=reason
        ),
        order,
    )


def status_changed(order: OrderState) -> Outgoing:
    return _event(
        topics.SOURCING_ORDERS,
        "order.status_changed",
        OrderStatusChanged(
            order_id=order.order_id,
            manufacturer_id=order.manufacturer_id,
            status=order.status,
            mineral=order.mineral,
            quantity=Quantity(amount=order.quantity, unit=order.unit),
            filled=order.filled,
            open=order.open_quantity,
            reason=order.open_reason,
            explanation=order.explanation,
        ),
        order,
    )


def fill_recorded(
    order: OrderState,
    leg: LegState,
    fill: FillConfirmed,
    *,
    tier: Tier,
    policy_version: str,
) -> Outgoing:
    return _event(
        topics.SOURCING_ORDERS,
        "order.fill_recorded",
        FillRecorded(
            fill_id=fill.fill_id,
            leg_id=leg.leg_id,
            order_id=order.order_id,
            trader_id=leg.trader_id,
            manufacturer_id=order.manufacturer_id,
            mineral=order.mineral,
            quantity=fill.quantity,
            unit_price=fill.unit_price,
            origin_country=fill.origin_country,
            tier=tier,
            warehouse_id=fill.warehouse_id,
            lot_reference=fill.lot_reference,
            filled_at=fill.filled_at,
            phase=leg.phase,
            policy_version=policy_version,
        ),
        order,
    )


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
