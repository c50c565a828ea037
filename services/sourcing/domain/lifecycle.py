"""An order's life: its status from its quantities, and how long a leg may stay open."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from shared.contracts import require_aware


class OrderStatus(StrEnum):
    ROUTED = "routed"
    """Legs are with traders; nothing filled yet."""
    PARTLY_FILLED = "partly_filled"
    """Some filled, and legs are still with traders."""
    FILLED = "filled"
    WAITING = "waiting"
    """Nothing is with a trader and some is open: no offer or specialist can take it yet."""
    EXPIRED = "expired"
    """The delivery date passed with quantity still open; nothing more is tried."""


def order_status(
    *, quantity: Decimal, filled: Decimal, on_legs: Decimal, expired: bool = False
) -> OrderStatus:
    """The status an order's quantities give it.

    Quantity on legs outranks what waits: while traders hold legs the order is
    moving, and the open part and its reason travel beside the status.
    """
    if filled >= quantity:
        return OrderStatus.FILLED
    if on_legs > 0:
        return OrderStatus.PARTLY_FILLED if filled > 0 else OrderStatus.ROUTED
    if expired:
        return OrderStatus.EXPIRED
    return OrderStatus.WAITING


def delivery_cutoff(deliver_by: date) -> datetime:
    """The end of the delivery day (UTC): no leg may stay open past it."""
    return datetime.combine(deliver_by + timedelta(days=1), time.min, tzinfo=UTC)


def leg_deadline(now: datetime, ttl: timedelta, deliver_by: date) -> datetime:
    """When a leg routed `now` expires: after `ttl`, never later than the delivery day."""
    require_aware(now, "now")
    return min(now + ttl, delivery_cutoff(deliver_by))


def is_past_delivery(now: datetime, deliver_by: date) -> bool:
    return now >= delivery_cutoff(deliver_by)
