"""Waiting on conditions in tests: poll with a timeout, never a bare sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout_s: float = 20.0, *, what: str = "condition"
) -> None:
    """Return once ``check()`` is true; fail the test saying ``what`` did not happen in time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        await asyncio.sleep(0.05)
