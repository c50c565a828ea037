"""What demand reads from Kafka: manufacturers' intake, and inventory's replenishments.

The intake (untrusted) is read leniently, so every wrong value is answered with a
reason; a replenishment comes only from ``vault.inventory.replenishments``, which only
inventory may write.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from services.demand.context import Demand
from services.demand.domain import read_submission, sender_may_submit
from services.demand.handlers import commitment_demand, replenish
from services.demand.handlers.submit_demand import Submitted, submit_demands
from shared import topics
from shared.codec import PoisonMessage
from shared.consumer import Subscription, on_batch, on_raw_batch
from shared.contracts import CommitmentDemanded, DemandSubmitted, ReplenishmentRequested
from shared.db import Connection
from shared.envelope import RawEnvelope


def subscriptions(demand: Demand, intakes: Sequence[str] = ()) -> list[Subscription]:
    """The shared intake, each manufacturer's own intake in ``intakes``, and replenishments."""

    async def on_demands_submitted(
        conn: Connection, events: Sequence[RawEnvelope], *, sender: str | None = None
    ) -> None:
        arrived = []
        for event in events:
            submission = read_submission(event.payload)
            if submission.key is None:
                missing = "; ".join(reason.message for reason in submission.unreadable.values())
                raise PoisonMessage(
                    "demand_unaddressable", missing, event_id=event.event_id, event=event
                )
            claimed = submission.key.manufacturer_id
            if not sender_may_submit(sender, claimed):
                # Never answered in the named manufacturer's name: a dead letter, for ops.
                raise PoisonMessage(
                    "manufacturer_not_sender",
                    f"{sender}'s intake carried a demand naming {claimed!r}",
                    event_id=event.event_id,
                    event=event,
                )
            arrived.append(Submitted(submission, "kafka", cause=event))
        await submit_demands(conn, arrived, demand.today())

    own_intakes = [
        Subscription(
            topics.intake_of(manufacturer),
            [on_raw_batch(DemandSubmitted, partial(on_demands_submitted, sender=manufacturer))],
            description=(
                f"demand.submitted from {manufacturer}'s own system: only its intake principal"
                " may write here, so a demand naming another manufacturer is an impersonation"
                " attempt, dead-lettered as manufacturer_not_sender and never answered"
            ),
        )
        for manufacturer in intakes
    ]
    return [
        *own_intakes,
        Subscription(
            topics.DEMAND_INTAKE,
            [on_raw_batch(DemandSubmitted, on_demands_submitted)],
            description=(
                "demand.submitted from manufacturers' systems (untrusted). The payload is read"
                " leniently so that every wrong value is answered with a demand.rejected"
                " naming it (kind replenishment included: it is never taken from here); only"
                " a payload without readable manufacturer_id and request_id (nobody to"
                " answer) is dead-lettered."
            ),
        ),
        Subscription(
            topics.INVENTORY_REPLENISHMENTS,
            [on_batch(ReplenishmentRequested, replenish.requested)],
            description=(
                "replenishment.requested from inventory (the only writer of this topic):"
                " each release becomes one procurement order of kind replenishment, its id"
                " derived from the release, its limit price inventory's."
            ),
        ),
        # issue 16: participation's paced commitment demand (only participation writes it)
        Subscription(
            topics.PARTICIPATION_DEMAND,
            [on_batch(CommitmentDemanded, commitment_demand.demanded)],
            description=(
                "commitment.demanded from participation (the only writer of this topic):"
                " each request becomes one procurement order, its id derived from the"
                " request in participation's id space, its limit the agreement's set price."
            ),
        ),
    ]
