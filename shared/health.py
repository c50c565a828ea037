"""Liveness, readiness and Prometheus metrics: the only doors open to anyone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from prometheus_client import make_asgi_app

Check = Callable[[], Awaitable[tuple[bool, Any]]]

LIVE, READY, METRICS = "/health/live", "/health/ready", "/metrics"


class HealthApp:
    """``/health/live`` (the process answers), ``/health/ready`` (every check passes), ``/metrics``."""

    paths = frozenset({LIVE, READY, METRICS})

    def __init__(self, checks: dict[str, Check], *, timeout_s: float = 3.0) -> None:
        self._checks = checks
        self._timeout_s = timeout_s
        self._metrics = make_asgi_app()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if path == METRICS:
            await self._metrics(scope, receive, send)
        elif path == LIVE:
            await _json(send, 200, {"status": "live"})
        elif path == READY:
            await _json(send, *await self.readiness())
        else:
            await _json(send, 404, {"status": "not_found"})

    async def readiness(self) -> tuple[int, dict[str, Any]]:
        results: dict[str, Any] = {}
        healthy = True
        for name, check in self._checks.items():
            try:
                async with asyncio.timeout(self._timeout_s):
                    ok, detail = await check()
            except Exception as exc:
                ok, detail = False, repr(exc)
            results[name] = {"ok": ok, "detail": detail}
            healthy = healthy and ok
        body = {"status": "ready" if healthy else "not_ready", "checks": results}
        return (200 if healthy else 503), body


def health_app(checks: dict[str, Check]) -> HealthApp:
    return HealthApp(checks)


async def _json(send: Any, status: int, body: dict[str, Any]) -> None:
    payload = orjson.dumps(body)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
