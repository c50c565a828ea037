"""Building and sending what manufacturers' systems put on the intake topic."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

from shared import topics
from shared.codec import encode
from shared.envelope import EventMeta, RawEnvelope

DELIVER_BY = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
LEAVE_OUT: Any = object()  # as a change to demand_fields: the field is not sent at all


def demand_fields(manufacturer: str, request_id: str, **changes: Any) -> dict[str, Any]:
    """A valid cobalt demand as a manufacturer's system writes it; ``changes`` spoil it."""
    fields: dict[str, Any] = {
        "manufacturer_id": manufacturer,
        "request_id": request_id,
        "mineral": "cobalt",
        "quantity": "120.5",
        "unit": "t",
        "deliver_by": DELIVER_BY,
        "max_unit_price": "33500",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not LEAVE_OUT}


def submitted(payload: dict[str, Any], *, event_type: str = "demand.submitted") -> RawEnvelope:
    """An envelope around any payload, even one far off the contract."""
    event_id = uuid.uuid4()
    return RawEnvelope(
        event_id=event_id,
        type=event_type,
        version="1.0",
        occurred_at=datetime.now(UTC),
        producer="acme-erp",
        key=f"{payload.get('manufacturer_id')}:{payload.get('request_id')}"[:200],
        correlation_id=str(event_id),
        payload=payload,
    )


async def send(producer: AIOKafkaProducer, *events: EventMeta | bytes) -> None:
    for event in events:
        if isinstance(event, bytes):
            await producer.send_and_wait(topics.DEMAND_INTAKE, event, key=b"garbage")
        else:
            await producer.send_and_wait(
                topics.DEMAND_INTAKE, encode(event), key=event.key.encode()
            )
