"""What sourcing reacts to: per topic, the event types it reads and the use case of each;
and the clock, which sweeps orders past delivery and phase changes coming into force.

Requests and a leg's facts (fills, closings) arrive in volume and are applied a batch
at a time (``on_batch``); offers and the program's data are rare and applied one by
one (``on``). A leg's fills and closing come from its owner, the gateway, on one
ordered stream: sourcing learns them, never refuses them.
"""

from __future__ import annotations

from functools import partial

import structlog

from services.sourcing.context import Sourcing
from services.sourcing.handlers import (
    book_offers,
    close_legs,
    expire_overdue,
    place_requests,
    record_fills,
    refresh_gauges,
    register_trader,
    retry_phases,
    set_ceiling,
    set_phase,
)
from shared import topics
from shared.consumer import Subscription, on, on_batch
from shared.contracts import (
    AnnualCeilingSet,
    FillConfirmed,
    LegClosed,
    OfferPublished,
    OfferWithdrawn,
    PhaseSet,
    ProcurementRequested,
    TraderRegistered,
)
from shared.service import Service, every

log = structlog.get_logger(__name__)


def subscriptions(ctx: Sourcing) -> list[Subscription]:
    return [
        Subscription(
            topics.PROCUREMENT_REQUESTED,
            [on_batch(ProcurementRequested, partial(place_requests.requested, ctx=ctx))],
            description="a procurement request becomes an order, placed on legs as supply allows",
        ),
        Subscription(
            topics.TRADER_LEGS,
            [
                on_batch(FillConfirmed, partial(record_fills.confirmed, ctx=ctx)),
                on_batch(LegClosed, partial(close_legs.closed, ctx=ctx)),
            ],
            description="the gateway's facts of each leg, in the order it decided them:"
            " fill.confirmed is learnt once against its leg and passed on to inventory"
            " (never refused); leg.closed ends the leg and what it left undone cascades"
            " down the waterfall (declined, expired) or waits (cancelled, past delivery)",
        ),
        Subscription(
            topics.TRADER_OFFERS,
            [
                on(OfferPublished, partial(book_offers.published, ctx=ctx)),
                on(OfferWithdrawn, partial(book_offers.withdrawn, ctx=ctx)),
            ],
            description="offer.published (and revisions) and offer.withdrawn keep the supply "
            "book; new supply is offered to waiting orders",
        ),
        Subscription(
            topics.PROGRAM_PHASES,
            [on(PhaseSet, partial(set_phase.phase_set, ctx=ctx))],
            description="program.phase_set: a mineral's phase from its effective time",
        ),
        Subscription(
            topics.PROGRAM_TRADERS,
            [on(TraderRegistered, partial(register_trader.trader_registered, ctx=ctx))],
            description="program.trader_registered: the roster of specialists per market",
        ),
        Subscription(
            topics.TREASURY_CEILINGS,
            [on(AnnualCeilingSet, partial(set_ceiling.ceiling_set, ctx=ctx))],
            description="treasury.annual_ceiling_set: the most spent + committed on a mineral"
            " in a year; nothing is routed past it, and a raised one retries the waiting orders"
            " (treasury.funding_source_set is not read)",
        ),
    ]


async def _sweep_once(service: Service) -> None:
    """Orders past delivery, phases come into force, then the gauges."""
    ctx: Sourcing = service.context
    await expire_overdue.sweep(ctx)
    await retry_phases.retry_due(ctx)
    await refresh_gauges.refresh(ctx)


# Every ``VAULT_LEG_SWEEP_S``: the sweep runs in every replica (its locks make it safe).
sweep = every(lambda service: float(service.context.sweep_every_s), _sweep_once, "leg_sweep")
