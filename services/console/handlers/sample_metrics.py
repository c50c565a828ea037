"""Every ``VAULT_CONSOLE_SAMPLE_S``, read every service's /metrics and readiness: the
console keeps the recent samples, so a page shows rates (messages per second per hop)
and not only counters since each service started."""

from __future__ import annotations

import asyncio

import structlog
from prometheus_client import Counter, Gauge

from services.console.context import Console
from services.console.views.metrics import snapshot

log = structlog.get_logger(__name__)

UNREACHABLE = Counter(
    "vault_console_unreachable_total",
    "Samples in which a service's /metrics did not answer",
    ["target"],
)
# Prometheus scrapes /metrics, not /health/ready: the console's probe of readiness is
# what the "service not ready" alert reads.
READY = Gauge(
    "vault_console_target_ready",
    "1 when the service answered /health/ready with 200 at the last sample",
    ["target"],
)


async def sample_once(ctx: Console) -> None:
    taken = await snapshot(ctx)
    for service, reading in taken.readings.items():
        if not reading.up:
            UNREACHABLE.labels(service).inc()
        READY.labels(service).set(1 if reading.ready else 0)
    ctx.history.append(taken)


async def run(ctx: Console) -> None:
    while True:
        try:
            await sample_once(ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("console_sample_failed", error=repr(exc))
        await asyncio.sleep(ctx.settings.sample_s)
