"""Every service's /metrics and /health/ready, read at one moment into a ``Snapshot``."""

from __future__ import annotations

import asyncio

import httpx

from services.console.context import Console
from services.console.domain.metrics import Reading, Snapshot, parse
from services.console.settings import SERVICES


async def read_service(ctx: Console, service: str) -> Reading:
    base = ctx.settings.url(service)
    try:
        metrics, ready = await asyncio.gather(
            ctx.http.get(base + "/metrics"), ctx.http.get(base + "/health/ready")
        )
    except httpx.HTTPError as exc:
        return Reading(service, up=False, error=f"unreachable ({type(exc).__name__})")
    try:
        checks = ready.json().get("checks", {})
    except ValueError:
        checks = {}
    return Reading(
        service,
        up=metrics.status_code == 200,
        ready=ready.status_code == 200,
        checks=checks,
        values=parse(metrics.text) if metrics.status_code == 200 else {},
        error="" if metrics.status_code == 200 else f"/metrics answered {metrics.status_code}",
    )


async def snapshot(ctx: Console) -> Snapshot:
    at = ctx.clock()
    readings = await asyncio.gather(*(read_service(ctx, s) for s in SERVICES))
    return Snapshot(at, {r.service: r for r in readings})
