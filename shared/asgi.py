"""One ASGI app per process: health and metrics beside its API, its start and stop as the lifespan.

Every Vault process serves the same doors (``/health/live``, ``/health/ready``,
``/metrics``) whatever else it serves: a service with its database and consumer
(``shared.service.Service``) and the console, which has neither, wire them here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from shared.health import HealthApp

log = structlog.get_logger("service")

Hook = Callable[[], Awaitable[None]]


def with_health(health: HealthApp, api: Any, start: Hook, stop: Hook) -> Any:
    """Health and metrics answered by ``health``, every other path by ``api``."""

    async def dispatch(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, start, stop)
        elif api is None or scope.get("path", "") in health.paths:
            await health(scope, receive, send)
        else:
            await api(scope, receive, send)

    return dispatch


async def _lifespan(receive: Any, send: Any, start: Hook, stop: Hook) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await start()
            except Exception as exc:
                log.error("service_start_failed", error=repr(exc))
                await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


def serve(app: Any, host: str, port: int) -> None:
    """Serve ``app`` with uvicorn until SIGINT/SIGTERM."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=20,
    )
