"""What the gateway reads from Kafka, and the clock's work: sourcing's legs, and expiry.

``leg.routed`` adds legs to their traders' view; ``leg.cancel_requested`` closes the
open ones sourcing asks back; treasury's reference prices and tolerances check fills. The expiry sweep (every ``VAULT_GATEWAY_SWEEP_S``, in
every replica: ``SKIP LOCKED`` keeps them apart) closes open legs past their deadline.
"""

from __future__ import annotations

from functools import partial

from services.trader_gateway.context import Gateway
from services.trader_gateway.handlers import expiry, legs, prices
from shared import topics
from shared.consumer import Subscription, on_batch
from shared.contracts import (
    LegCancelRequested,
    LegRouted,
    PriceToleranceSet,
    ReferencePriceSet,
)
from shared.service import Service, every


def subscriptions(gateway: Gateway) -> list[Subscription]:
    return [
        Subscription(
            topics.SOURCING_LEGS,
            [
                on_batch(LegRouted, legs.routed, committed=gateway.bell.routed),
                on_batch(LegCancelRequested, partial(legs.cancel_requested, clock=gateway.clock)),
            ],
            description=(
                "leg.routed adds a leg to its trader's view (one insert per batch; a leg"
                " already known stays as it is); leg.cancel_requested closes the open ones"
                " (leg.closed, reason cancelled, on vault.trader.legs); a filled or closed"
                " leg keeps what it is."
            ),
        ),
        Subscription(
            topics.TREASURY_PRICES,
            [
                on_batch(ReferencePriceSet, prices.reference_prices_set),
                on_batch(PriceToleranceSet, prices.tolerances_set),
            ],
            description=(
                "treasury's reference prices and tolerances, kept in the gateway's own"
                " tables: every fill records the reference in force and its deviation, and"
                " one beyond the mineral's tolerance waits for a program admin's approval."
            ),
        ),
    ]


async def _expire_overdue(service: Service) -> None:
    gateway: Gateway = service.context
    while True:
        async with service.transaction() as conn:
            closed = await expiry.expire_overdue(conn, gateway.clock())
        if closed < expiry.BATCH:
            return


sweep = every(
    lambda service: float(service.context.settings.sweep_s), _expire_overdue, "leg_expiry_sweep"
)
