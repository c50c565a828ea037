"""Issue 16: participation's commitment demand becomes one procurement order per request,
in participation's id space, at the agreement's set price, however often it is delivered."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from aiokafka import AIOKafkaProducer

from services.demand.domain.commitments import commitment_order_id
from shared import topics
from shared.codec import encode
from shared.contracts.common import Quantity, UnitPrice
from shared.contracts.participation import CommitmentDemanded
from shared.envelope import RawEnvelope, new_event
from shared.service import Service
from tests.integration.demand.intake import DELIVER_BY
from tests.integration.demand.tap import Tap


async def test_a_commitment_request_is_ordered_once_in_its_own_id_space(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    request_id = f"commit-{uuid.uuid4().hex[:12]}"
    asked = CommitmentDemanded(
        request_id=request_id,
        manufacturer_id=manufacturer,
        mineral="cobalt",
        quantity=Quantity(amount=Decimal("12.5"), unit="t"),
        limit_price=UnitPrice(amount=Decimal(31000), per="t"),
        deliver_by=date.fromisoformat(DELIVER_BY),
        agreement_version=3,
        requested_at=datetime.now(UTC),
    )
    for _ in range(2):  # delivered twice
        event = new_event(asked, producer="participation")
        await producer.send_and_wait(
            topics.PARTICIPATION_DEMAND, encode(event), key=event.key.encode()
        )

    def ours(event: RawEnvelope) -> bool:
        return event.payload.get("request_id") == request_id

    [ordered] = await tap.wait_for(topics.PROCUREMENT_REQUESTED, ours, timeout_s=30)
    assert ordered.key == commitment_order_id(request_id)
    assert {
        k: ordered.payload[k] for k in ("kind", "manufacturer_id", "quantity", "limit_price")
    } == {
        "kind": "procurement",
        "manufacturer_id": manufacturer,
        "quantity": {"amount": "12.5", "unit": "t"},
        "limit_price": {"amount": "31000", "currency": "USD", "per": "t"},
    }
    await asyncio.sleep(1.0)  # the second delivery has had time to be applied
    assert len(tap.events(topics.PROCUREMENT_REQUESTED, ours)) == 1
