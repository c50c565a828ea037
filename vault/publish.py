"""Publish one envelope to Kafka from the command line (acks=all, idempotent)."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from shared.codec import encode
from shared.envelope import Envelope, new_event
from shared.publisher import Publisher, Record
from vault.endpoints import bootstrap_servers


def publish_event(
    topic: str, event_type: str, payload: BaseModel, *, key: str
) -> Envelope[BaseModel]:
    event = new_event(event_type, payload, key=key, producer="vault-cli")

    async def send() -> None:
        publisher = Publisher(bootstrap_servers(), client_id="vault-cli")
        try:
            await publisher.publish(
                [Record(topic, key.encode(), encode(event), [("event_type", event_type.encode())])]
            )
        finally:
            await publisher.close()

    asyncio.run(send())
    return event
