"""Event ids reused by a sender, on the real intake (issue 13, 4).

The inbox took an event id it had seen as a redelivery whatever the record held, so a
sender that reused ids had its new request dropped as a duplicate: no outcome, no dead
letter, and ``GET /v1/demands/{m}/{r}`` said 404. An event is its id and its content: the
same id with other content is answered; the same bytes again are a redelivery.
"""

from __future__ import annotations

import asyncio

import httpx
from aiokafka import AIOKafkaProducer

from shared import topics
from shared.codec import encode
from shared.envelope import RawEnvelope
from shared.service import Service
from tests.integration.demand.intake import demand_fields, submitted
from tests.integration.demand.tap import Tap


async def test_an_event_id_reused_for_another_demand_is_answered_and_a_redelivery_is_not(
    demand: Service,
    tap: Tap,
    producer: AIOKafkaProducer,
    client: httpx.AsyncClient,
    manufacturer: str,
) -> None:
    first = submitted(demand_fields(manufacturer, "PO-1"))
    reused = RawEnvelope.model_validate(
        {**first.model_dump(), "payload": demand_fields(manufacturer, "PO-2", quantity="7")}
    )
    assert reused.event_id == first.event_id
    for event in (first, reused, first, reused):  # then both again, byte for byte
        await producer.send_and_wait(topics.DEMAND_INTAKE, encode(event), key=manufacturer.encode())
    # A demand after them on the same partition: once it is answered, so are they.
    await producer.send_and_wait(
        topics.DEMAND_INTAKE,
        encode(submitted(demand_fields(manufacturer, "PO-3"))),
        key=manufacturer.encode(),
    )

    def ours(event: RawEnvelope) -> bool:
        return event.payload.get("manufacturer_id") == manufacturer

    answers = await tap.wait_for(topics.DEMAND_OUTCOMES, ours, 3)
    await asyncio.sleep(1.0)  # time for a wrong extra answer to show
    answers = tap.events(topics.DEMAND_OUTCOMES, ours)
    # Outcomes are keyed by request, so those of different requests come from different
    # partitions in no set order: the answers are compared as a set, once each.
    assert sorted((a.type, a.payload["request_id"]) for a in answers) == [
        ("demand.accepted", "PO-1"),
        ("demand.accepted", "PO-2"),
        ("demand.accepted", "PO-3"),
    ]
    reused_answers = [a for a in answers if a.payload["request_id"] in ("PO-1", "PO-2")]
    assert {a.causation_id for a in reused_answers} == {str(first.event_id)}
    found = await client.get(f"/v1/demands/{manufacturer}/PO-2")
    assert found.status_code == 200, found.text
    assert found.json()["status"] == "accepted"
