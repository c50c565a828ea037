"""Liveness, readiness and Prometheus metrics as small ASGI routes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.asgi import AsgiResponse, get
from prometheus_client import make_asgi_app

Check = Callable[[], Awaitable[tuple[bool, Any]]]


def _json(status: int, body: dict[str, Any]) -> AsgiResponse:
    return AsgiResponse(
        json.dumps(body).encode(), status_code=status, headers={"content-type": "application/json"}
    )


def health_routes(checks: dict[str, Check], *, timeout_s: float = 3.0) -> list[tuple[str, Any]]:
    """``/health/live`` (the process answers), ``/health/ready`` (every check passes), ``/metrics``."""

    @get
    async def live(scope: Any) -> AsgiResponse:
        return _json(200, {"status": "live"})

    @get
    async def ready(scope: Any) -> AsgiResponse:
        results: dict[str, Any] = {}
        healthy = True
        for name, check in checks.items():
            try:
                ok, detail = await asyncio.wait_for(check(), timeout_s)
            except Exception as exc:
                ok, detail = False, repr(exc)
            results[name] = {"ok": ok, "detail": detail}
            healthy = healthy and ok
        return _json(
            200 if healthy else 503,
            {"status": "ready" if healthy else "not_ready", "checks": results},
        )

    return [("/health/live", live), ("/health/ready", ready), ("/metrics", make_asgi_app())]
