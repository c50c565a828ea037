"""Publish one event to Kafka from the command line (acks=all, idempotent)."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from shared.contracts import Event
from shared.envelope import Envelope, new_event
from shared.outbox import record_of
from shared.publisher import Publisher
from vault.endpoints import bootstrap_servers

E = TypeVar("E", bound=Event)


def publish_event(payload: E, *, producer: str = "vault-cli") -> Envelope[E]:
    """Send ``payload`` on its contract's topic, under its contract's key."""
    event = new_event(payload, producer=producer)

    async def send() -> None:
        publisher = Publisher(bootstrap_servers(), client_id=producer)
        try:
            await publisher.publish([record_of(event)])
        finally:
            await publisher.close()

    asyncio.run(send())
    return event
