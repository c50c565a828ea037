"""What participation reads: holdings and releases (inventory), orders (demand, sourcing).

Each is another service's fact: learnt, never refused.
"""

from __future__ import annotations

from functools import partial

from services.participation.context import Participation
from services.participation.handlers import learn, obligations
from shared import topics
from shared.consumer import Subscription, on_batch
from shared.contracts import (
    HoldingsUpdated,
    OrderStatusChanged,
    ProcurementRequested,
    ReleasePerformed,
)


def subscriptions(ctx: Participation) -> list[Subscription]:
    return [
        Subscription(
            topics.INVENTORY_HOLDINGS,
            [on_batch(HoldingsUpdated, partial(learn.holdings_updated, ctx=ctx))],
            description="holdings.updated: each lot's balance (holdings per manufacturer), and"
            " receipts per order (what closes an obligation)",
        ),
        Subscription(
            topics.INVENTORY_RELEASES,
            [on_batch(ReleasePerformed, partial(obligations.releases_performed, ctx=ctx))],
            description="release.performed: a draw, which opens an obligation to replenish",
        ),
        Subscription(
            topics.PROCUREMENT_REQUESTED,
            [on_batch(ProcurementRequested, partial(learn.orders_requested, ctx=ctx))],
            description="procurement.requested: what is on order for each manufacturer (its"
            " own demand counts against its commitment)",
        ),
        Subscription(
            topics.SOURCING_ORDERS,
            [on_batch(OrderStatusChanged, partial(learn.orders_changed, ctx=ctx))],
            description="order.status_changed: an order expired or cancelled is no longer on"
            " order; fills are learnt from inventory's receipts instead",
        ),
    ]
