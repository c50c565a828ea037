"""Wiring: the Kafka intake subscriber, the service around it, and its HTTP API."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from services.demand.api import create_api, utc_today
from services.demand.handlers import submit_demand
from services.demand.reading import read_submission
from shared import topics
from shared.codec import PoisonMessage
from shared.consumer import Tx, subscription
from shared.contracts.demand import (
    DemandAccepted,
    DemandConflict,
    DemandRejected,
    ProcurementRequested,
)
from shared.envelope import RawEnvelope
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["SERVICE", "create_api", "create_service"]

SERVICE = "demand"


def intake_router() -> KafkaRouter:
    router = KafkaRouter()

    @router.subscriber(
        topics.DEMAND_INTAKE,
        **subscription(SERVICE),
        title=f"{topics.DEMAND_INTAKE}:DemandSubmitted",
        description=(
            "demand.submitted from manufacturers' systems (untrusted) and inventory's"
            " replenishment. The payload is read leniently so that every wrong value is"
            " answered with a demand.rejected naming it; only a payload without readable"
            " manufacturer_id and request_id (nobody to answer) is dead-lettered."
        ),
    )
    async def on_demand_submitted(event: RawEnvelope, conn: Tx) -> None:
        if event.type != "demand.submitted":
            raise PoisonMessage("unexpected_event_type", f"{event.type} on {topics.DEMAND_INTAKE}")
        submission = read_submission(event.payload)
        if submission.key is None:
            missing = "; ".join(reason.message for reason in submission.unreadable.values())
            raise PoisonMessage("demand_unaddressable", missing)
        await submit_demand(conn, submission, "kafka", utc_today())

    return router


def create_service(settings: ServiceSettings | None = None) -> Service:
    return Service(
        SERVICE,
        routers=[intake_router()],
        topics=[topics.DEMAND_INTAKE, topics.DEMAND_OUTCOMES, topics.PROCUREMENT_REQUESTED],
        migrations=["services.demand"],
        settings=settings,
        emits=[
            (topics.DEMAND_OUTCOMES, DemandAccepted),
            (topics.DEMAND_OUTCOMES, DemandRejected),
            (topics.DEMAND_OUTCOMES, DemandConflict),
            (topics.PROCUREMENT_REQUESTED, ProcurementRequested),
        ],
    )
