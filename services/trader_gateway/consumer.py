"""The gateway's one subscription: sourcing's legs, which feed the traders' view of orders."""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaRouter

from services.trader_gateway.handlers import legs
from shared import topics
from shared.codec import parse_payload
from shared.consumer import Tx, subscription
from shared.contracts import LegCancelled, LegRouted
from shared.envelope import RawEnvelope

SERVICE = "trader_gateway"
log = structlog.get_logger(__name__)


async def on_sourcing_leg(event: RawEnvelope, conn: Tx) -> None:
    if event.type == "leg.routed":
        await legs.leg_routed(conn, parse_payload(event, LegRouted).payload, event.occurred_at)
    elif event.type == "leg.cancelled":
        await legs.leg_cancelled(conn, parse_payload(event, LegCancelled).payload)
    else:
        # The topic may carry other facts about legs later; they are not the gateway's.
        log.info("event_ignored", event_type=event.type)


def build_router() -> KafkaRouter:
    """A fresh router per service instance (a router belongs to one broker)."""
    router = KafkaRouter()
    router.subscriber(topics.SOURCING_LEGS, **subscription(SERVICE))(on_sourcing_leg)
    return router
