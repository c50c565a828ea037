"""What sourcing publishes, built from what the domain decided. All are keyed by order id.

Topics, types and keys are the contracts' own (``shared.contracts.sourcing``). Every
event about an order carries the order's correlation id (the demand that started
it), whatever event triggered it: an order's story is one thread in the logs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from services.sourcing.domain import (
    CancelRequested,
    FillAccepted,
    Happening,
    LegOpened,
    OrderChanged,
    OrderState,
)
from services.sourcing.settings import NAME
from shared.contracts import (
    Event,
    FillRecorded,
    LegCancelRequested,
    LegRouted,
    OrderStatusChanged,
    Quantity,
    UnitPrice,
)
from shared.envelope import Envelope, EventMeta, new_event


def envelopes(
    happenings: Iterable[Happening],
    *,
    cause: EventMeta | None = None,
    causes: Mapping[str, EventMeta] | None = None,
) -> list[Envelope[Event]]:
    """The events to enqueue, in order; each caused by its order's entry in `causes`,
    else by `cause` (or, inside an ``on`` handler, by the event being handled)."""
    by_order = causes or {}
    return [
        new_event(
            payload(happening),
            producer=NAME,
            cause=by_order.get(happening.order.order_id, cause),
            correlation_id=happening.order.correlation_id,
        )
        for happening in happenings
    ]


def payload(happening: Happening) -> Event:
    match happening:
        case LegOpened(order, leg):
            unit = order.unit
            return LegRouted(
                leg_id=leg.leg_id,
                order_id=order.order_id,
                trader_id=leg.trader_id,
                manufacturer_id=order.manufacturer_id,
                mineral=order.mineral,
                market=order.market,
                quantity=Quantity(amount=leg.quantity, unit=unit),
                # For an offer leg the offer's own price is the limit: a fill above it breaks it.
                limit_price=UnitPrice(amount=leg.unit_price, per=unit),
                deadline=leg.deadline,
                kind=leg.kind,
                offer_id=leg.offer_id,
                tier=leg.tier,
                origin_country=leg.origin_country,
                warehouse_id=leg.warehouse_id,
                tier_preference=list(leg.tier_preference),
                excluded_origins=sorted(leg.excluded_origins),
                phase=leg.phase,
                policy_version=leg.policy_version,
            )
        case CancelRequested(order, leg, reason):
            return LegCancelRequested(
                leg_id=leg.leg_id, order_id=order.order_id, trader_id=leg.trader_id, reason=reason
            )
        case OrderChanged(order):
            return status_changed(order)
        case FillAccepted(order, leg, fill, tier, policy_version):
            return FillRecorded(
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
            )


def status_changed(order: OrderState) -> OrderStatusChanged:
    return OrderStatusChanged(
        order_id=order.order_id,
        manufacturer_id=order.manufacturer_id,
        status=order.status,
        mineral=order.mineral,
        quantity=Quantity(amount=order.quantity, unit=order.unit),
        filled=order.filled,
        open=order.open_quantity,
        reason=order.open_reason,
        explanation=order.explanation,
    )
