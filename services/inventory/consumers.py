"""What inventory reads from Kafka: fills from sourcing, a partition's batch at a time.

``order.status_changed`` travels on the same topic and is not inventory's business:
it has no handler here, so the consumer skips and counts it (``outcome="ignored"``).
"""

from __future__ import annotations

from functools import partial

from services.inventory.context import Inventory
from services.inventory.handlers import book_fills, learn_rights
from shared import topics
from shared.consumer import Subscription, on_batch
from shared.contracts import AgreementSet, DisruptionDeclared, DisruptionEnded, FillRecorded


def subscriptions(ctx: Inventory) -> list[Subscription]:
    return [
        Subscription(
            topics.SOURCING_ORDERS,
            [on_batch(FillRecorded, partial(book_fills.fills_recorded, ctx=ctx))],
            description=(
                "order.fill_recorded is booked into holdings (a new lot and its receipt), once"
                " per fill however often it is delivered; a fill that cannot be booked as it"
                " stands (an unknown warehouse, mineral or unit) is held for ops with the"
                " reason, and booked when its warehouse is registered. Other order events are"
                " not inventory's business."
            ),
        ),
        # issue 16: the draw rights a release is judged by, as participation sets them
        Subscription(
            topics.PARTICIPATION_AGREEMENTS,
            [on_batch(AgreementSet, learn_rights.agreements_set)],
            description="agreement.set: each version's draw terms and set price per mineral",
        ),
        Subscription(
            topics.PARTICIPATION_DISRUPTIONS,
            [
                on_batch(DisruptionDeclared, learn_rights.disruptions_declared),
                on_batch(DisruptionEnded, learn_rights.disruptions_ended),
            ],
            description="disruption.declared/ended: while one is in force, draws widen",
        ),
    ]
