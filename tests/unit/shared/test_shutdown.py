"""Shutdown ends in bounded time: a step or task that will not end is cut short and left.

And the outbox relay stops when cancelled, even in the loop turn a commit wakes it: with
Python 3.11's ``asyncio.wait_for`` that cancellation was lost (CPython gh-86296), the relay
went on polling, and a service's stop waited for it for ever (CI's 300 s teardown timeout).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from shared import outbox
from shared.shutdown import bounded, cancel_all


async def test_a_step_that_never_finishes_is_cut_short_at_its_bound() -> None:
    started = time.monotonic()
    assert await bounded(asyncio.Event().wait(), "stuck", 0.2) is False
    assert 0.2 <= time.monotonic() - started < 2


async def test_a_step_that_finishes_in_time_is_not_cut() -> None:
    assert await bounded(asyncio.sleep(0.01), "quick", 1.0) is True


async def test_a_step_that_fails_says_so() -> None:
    async def fails() -> None:
        raise RuntimeError("broker away")

    with pytest.raises(RuntimeError, match="broker away"):
        await bounded(fails(), "failing", 1.0)


class Stubborn:
    """A task body that ignores cancellation until released (as a buggy step would)."""

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.cancellations = 0

    async def run(self) -> None:
        while not self.released.is_set():
            try:
                await self.released.wait()
            except asyncio.CancelledError:
                self.cancellations += 1


async def test_a_step_that_ignores_its_cancellation_does_not_hold_the_shutdown() -> None:
    stubborn = Stubborn()
    started = time.monotonic()
    assert await bounded(stubborn.run(), "stubborn", 0.2) is False
    assert time.monotonic() - started < 2
    await asyncio.sleep(0)
    assert stubborn.cancellations == 1
    stubborn.released.set()


async def test_tasks_that_end_when_cancelled_are_collected_and_those_that_do_not_are_left() -> None:
    stubborn = Stubborn()
    held = asyncio.create_task(stubborn.run(), name="held")
    quiet = asyncio.create_task(asyncio.Event().wait(), name="quiet")

    async def failed_before() -> None:
        raise RuntimeError("already failed")

    failed = asyncio.create_task(failed_before(), name="failed")
    await asyncio.sleep(0.01)
    started = time.monotonic()
    assert await cancel_all([held, quiet, failed], "tasks", 0.2) is False
    assert time.monotonic() - started < 2
    assert quiet.cancelled()
    assert failed.done()
    assert not held.done()
    assert await cancel_all([quiet, failed], "tasks", 0.2) is True
    stubborn.released.set()
    await held


class IdleConnection:
    """What the relay's own connection answers when there is nothing to publish."""

    async def execute(self, *_: Any) -> str:
        return ""

    async def fetchval(self, *_: Any) -> bool:
        return True  # the relay lock

    async def fetch(self, *_: Any) -> list[Any]:
        return []  # no outbox rows

    async def close(self) -> None:
        return None


async def test_the_relay_stops_when_cancelled_in_the_turn_a_commit_wakes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def connect(*_: Any, **__: Any) -> IdleConnection:
        return IdleConnection()

    monkeypatch.setattr(outbox, "connect", connect)
    relay = outbox.OutboxRelay(
        pool=None,  # type: ignore[arg-type]  # the relay's own connection only
        publisher=None,  # type: ignore[arg-type]  # nothing to publish
        service="unit",
        database_url="postgresql://unused",
        poll_s=0.1,
    )
    for _ in range(20):  # the race is in one loop turn: try it at several points of the poll
        task = asyncio.create_task(relay.run())
        await asyncio.sleep(0.03)
        relay.wake()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=1.0)
        assert done, "the relay went on running after it was cancelled"
        assert task.cancelled()
