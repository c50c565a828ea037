"""An outage during a benchmark run: one service SIGKILLed, brought back, its catch-up timed.

At ``at_s`` into the run the service's process (from the launcher's pid file) is killed
with SIGKILL; ``for_s`` later ``vault run --detach`` starts what is missing and returns
once every service is ready again. The catch-up is the time from that return until every
order published before it has been booked: how long the backlog the outage left takes to
drain while the load goes on.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import e2e_procs as procs
from benchmarks.e2e_orders import BenchError, Tracker


@dataclass(frozen=True)
class Outage:
    service: str
    at_s: float
    for_s: float


@dataclass
class OutageTimes:
    killed: float = math.nan
    returned: float = math.nan  # every service ready again


def vault_command() -> list[str]:
    beside = Path(sys.executable).with_name("vault")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "vault.cli"]


async def cause(outage: Outage, state: Path, times: OutageTimes) -> None:
    await asyncio.sleep(outage.at_s)
    pid = procs.pid_in(state / "services" / f"{outage.service}.pid")
    if pid is None:
        raise BenchError(f"outage: {outage.service} is not running")
    os.kill(pid, signal.SIGKILL)
    times.killed = time.monotonic()
    print(f"outage: {outage.service} (pid {pid}) killed", file=sys.stderr)
    await asyncio.sleep(outage.for_s)
    started = await asyncio.to_thread(
        subprocess.run, [*vault_command(), "run", "--detach"], capture_output=True, text=True
    )
    if started.returncode != 0:
        raise BenchError(f"outage: restart failed:\n{started.stdout}\n{started.stderr}")
    times.returned = time.monotonic()
    print(
        f"outage: {outage.service} back and ready"
        f" {times.returned - times.killed - outage.for_s:.1f} s after its restart began",
        file=sys.stderr,
    )


def figures(tracker: Tracker, times: OutageTimes) -> dict[str, float]:
    """Catch-up: from the return until the last order published before it was booked."""
    if math.isnan(times.returned):
        return {"outage_s": math.nan, "catch_up_s": math.nan}
    before = {r for r, at in tracker.published.items() if at < times.returned}
    booked = [
        tracker.booked_at[order]
        for order, request in tracker.request_of.items()
        if request in before and order in tracker.booked_at
    ]
    complete = len(booked) == len(before)
    return {
        "outage_s": times.returned - times.killed,
        "catch_up_s": (max(booked) - times.returned) if booked and complete else math.nan,
        "backlog_orders": float(
            sum(1 for at in tracker.published.values() if times.killed <= at < times.returned)
        ),
    }
