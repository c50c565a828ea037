"""Everything published on some topics, decoded and collected in the background, to wait on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer

from shared.codec import decode_raw
from shared.envelope import RawEnvelope
from shared.shutdown import bounded, cancel_all


class Tap:
    def __init__(self, bootstrap: str, topic_names: list[str]) -> None:
        self._consumer = AIOKafkaConsumer(
            *topic_names,
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        self._seen: list[tuple[str, RawEnvelope]] = []
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._collect())

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_all([self._task], "tap", 10)
        await bounded(self._consumer.stop(), "tap consumer", 10)

    async def _collect(self) -> None:
        async for message in self._consumer:
            self._seen.append((message.topic, decode_raw(message.value)))
            self._arrived.set()

    def events(self, topic: str, match: Callable[[RawEnvelope], bool]) -> list[RawEnvelope]:
        return [event for seen_on, event in self._seen if seen_on == topic and match(event)]

    async def wait_for(
        self,
        topic: str,
        match: Callable[[RawEnvelope], bool],
        count: int = 1,
        *,
        timeout_s: float = 15.0,
    ) -> list[RawEnvelope]:
        """The matching events once at least ``count`` have come; fails after the timeout."""
        try:
            async with asyncio.timeout(timeout_s):
                while len(found := self.events(topic, match)) < count:
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            seen = [(e.type, e.payload) for e in self.events(topic, match)]
            message = f"{count} events expected on {topic} in {timeout_s}s, saw {seen}"
            raise AssertionError(message) from None
        return found
