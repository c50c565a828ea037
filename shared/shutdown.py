"""Shutdown steps that end in bounded time, whatever the step does with its cancellation.

Python 3.11's ``asyncio.wait_for`` loses a cancellation that arrives in the same loop turn
as the awaited thing completes (CPython gh-86296, fixed in 3.12): a loop that polls with
it (the outbox relay's wake-up wait) can go on running after ``task.cancel()``, and a
stop that awaits it waits for ever. The project uses ``asyncio.timeout`` instead (ruff
bans ``wait_for``), and stops tasks here: cancel, then wait at most a bound, with
``asyncio.wait``, which never swallows the waiter's own cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable

import structlog

log = structlog.get_logger("service")

# How long each shutdown step may take before it is cut short (``Service.stop``).
STOP_CONSUMER_S = 15.0
STOP_STEP_S = 10.0


async def bounded(step: Awaitable[object], what: str, timeout_s: float) -> bool:
    """Run one shutdown step for at most ``timeout_s``; False (and a warning) if cut short.

    A step still running at its bound is cancelled and left behind, not awaited: one that
    ignores its cancellation cannot hold the shutdown.
    """
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    if done:
        task.result()
        return True
    task.cancel()
    log.warning("shutdown_step_cut_short", step=what, timeout_s=timeout_s)
    return False


async def cancel_all(tasks: Iterable[asyncio.Task[object]], what: str, timeout_s: float) -> bool:
    """Cancel ``tasks`` and wait at most ``timeout_s`` for them to end; False if some did not.

    What they ended with (cancelled, an error) is collected here, so that none is reported
    later as never retrieved; those still running are named in a warning.
    """
    tasks = list(tasks)
    pending = [t for t in tasks if not t.done()]
    for task in pending:
        task.cancel()
    running: set[asyncio.Task[object]] = set()
    if pending:
        _, running = await asyncio.wait(pending, timeout=timeout_s)
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()
    if running:
        log.warning(
            "shutdown_tasks_still_running",
            step=what,
            tasks=sorted(t.get_name() for t in running),
            timeout_s=timeout_s,
        )
    return not running
