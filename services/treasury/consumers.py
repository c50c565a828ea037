"""What treasury reads: the legs, fills, closings, decisions and lots whose money it counts,
and an external system's reference prices."""

from __future__ import annotations

from collections.abc import Sequence

from services.treasury.context import Treasury
from services.treasury.handlers import learn, price_feed
from shared import topics
from shared.consumer import Subscription, on_batch
from shared.contracts import (
    FillConfirmed,
    FillRecorded,
    HoldingsUpdated,
    LegClosed,
    LegRouted,
    OrderStatusChanged,
    ReferencePriceReported,
)
from shared.db import Connection
from shared.envelope import Envelope


def subscriptions(ctx: Treasury) -> list[Subscription]:
    async def prices_reported(
        conn: Connection, events: Sequence[Envelope[ReferencePriceReported]]
    ) -> None:
        await price_feed.reported(conn, events, ctx.catalogue)

    return [
        Subscription(
            topics.SOURCING_LEGS,
            [on_batch(LegRouted, learn.legs_routed)],
            description="leg.routed: a leg's quantity and limit price, committed while it is open",
        ),
        Subscription(
            topics.TRADER_LEGS,
            [
                on_batch(FillConfirmed, learn.fills_confirmed),
                on_batch(LegClosed, learn.legs_closed),
            ],
            description="fill.confirmed (spent) and leg.closed (its commitment freed), from their owner",
        ),
        Subscription(
            topics.SOURCING_ORDERS,
            [
                on_batch(OrderStatusChanged, learn.decisions),
                on_batch(FillRecorded, learn.fills_recorded),
            ],
            description="the best allied price each decision passed over; the tier of each fill",
        ),
        Subscription(
            topics.INVENTORY_HOLDINGS,
            [on_batch(HoldingsUpdated, learn.holdings_updated)],
            description="holdings.updated: what each lot holds where, and the fill it cost",
        ),
        Subscription(
            topics.MARKET_REFERENCE_PRICES,
            [on_batch(ReferencePriceReported, prices_reported)],
            description="reference_price.reported from an external price system, with its source",
        ),
    ]
