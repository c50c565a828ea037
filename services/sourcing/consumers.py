"""Sourcing's subscribers: one per input topic, thin, each handing the event to its use case.

Topics that carry several event types are read as raw envelopes and dispatched on
``type``; a type this version does not know is logged and skipped, so producers
can add event types before sourcing learns them.
"""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaRouter

from services.sourcing.handlers import declines, fills, offers, procurement, program
from services.sourcing.handlers.deps import Sourcing
from shared import topics
from shared.codec import parse_payload
from shared.consumer import Tx, subscription
from shared.contracts import (
    FillConfirmed,
    FillRecorded,
    LegCancelled,
    LegDeclined,
    LegRouted,
    OfferPublished,
    OfferWithdrawn,
    OrderStatusChanged,
    PhaseSet,
    ProcurementRequested,
    TraderRegistered,
)
from shared.envelope import Envelope, RawEnvelope

SERVICE = "sourcing"
INPUT_TOPICS = (
    topics.PROCUREMENT_REQUESTED,
    topics.TRADER_OFFERS,
    topics.TRADER_FILLS,
    topics.TRADER_DECLINES,
    topics.PROGRAM_PHASES,
    topics.PROGRAM_TRADERS,
)
OUTPUT_TOPICS = (topics.SOURCING_LEGS, topics.SOURCING_ORDERS)

log = structlog.get_logger(__name__)


def build_router(sourcing: Sourcing) -> KafkaRouter:
    router = KafkaRouter()
    subscribe = subscription(SERVICE)
    _declare_publishers(router)

    @router.subscriber(
        topics.PROCUREMENT_REQUESTED,
        title="sourcing:procurement.requested",
        description="a procurement request becomes an order, placed on legs as supply allows",
        **subscribe,
    )
    async def on_procurement_requested(event: Envelope[ProcurementRequested], conn: Tx) -> None:
        await procurement.requested(conn, event, sourcing)

    @router.subscriber(
        topics.TRADER_FILLS,
        title="sourcing:fill.confirmed",
        description="a fill is recorded once against its leg, never beyond it",
        **subscribe,
    )
    async def on_fill_confirmed(event: Envelope[FillConfirmed], conn: Tx) -> None:
        await fills.confirmed(conn, event, sourcing)

    @router.subscriber(
        topics.TRADER_DECLINES,
        title="sourcing:leg.declined",
        description="a declined leg's remainder cascades down the waterfall",
        **subscribe,
    )
    async def on_leg_declined(event: Envelope[LegDeclined], conn: Tx) -> None:
        await declines.declined(conn, event, sourcing)

    @router.subscriber(
        topics.TRADER_OFFERS,
        title="sourcing:vault.trader.offers",
        description="offer.published (and revisions) and offer.withdrawn keep the supply book; "
        "new supply is offered to waiting orders",
        **subscribe,
    )
    async def on_trader_offer(event: RawEnvelope, conn: Tx) -> None:
        if event.type == "offer.published":
            await offers.published(conn, parse_payload(event, OfferPublished), sourcing)
        elif event.type == "offer.withdrawn":
            await offers.withdrawn(conn, parse_payload(event, OfferWithdrawn), sourcing)
        else:
            _not_handled()

    @router.subscriber(
        topics.PROGRAM_PHASES,
        title="sourcing:vault.program.phases",
        description="program.phase_set: a mineral's phase from its effective time",
        **subscribe,
    )
    async def on_program_phase(event: RawEnvelope, conn: Tx) -> None:
        if event.type == "program.phase_set":
            await program.phase_set(conn, parse_payload(event, PhaseSet), sourcing)
        else:
            _not_handled()

    @router.subscriber(
        topics.PROGRAM_TRADERS,
        title="sourcing:vault.program.traders",
        description="program.trader_registered: the roster of specialists per market",
        **subscribe,
    )
    async def on_program_trader(event: RawEnvelope, conn: Tx) -> None:
        if event.type == "program.trader_registered":
            await program.trader_registered(conn, parse_payload(event, TraderRegistered), sourcing)
        else:
            _not_handled()

    return router


def _declare_publishers(router: KafkaRouter) -> None:
    """For the AsyncAPI document only: the outbox relay does the publishing, keyed by order id."""
    router.publisher(
        topics.SOURCING_LEGS,
        title="sourcing:vault.sourcing.legs",
        description="leg.routed (a leg to one specialist: an offer to take, or a mandate) "
        "and leg.cancelled (withdrawn from its trader: expired, or declined in part)",
        schema=Envelope[LegRouted] | Envelope[LegCancelled],
    )
    router.publisher(
        topics.SOURCING_ORDERS,
        title="sourcing:vault.sourcing.orders",
        description="order.status_changed (routed, partly_filled, filled, waiting with why, "
        "expired) and order.fill_recorded (the fill with tier, phase and policy, for inventory)",
        schema=Envelope[OrderStatusChanged] | Envelope[FillRecorded],
    )


def _not_handled() -> None:
    log.warning("event_type_not_handled")
