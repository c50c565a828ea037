"""The console's process: no database, no consumer, no outbox, so not a
``shared.service.Service``; the same doors all the same (``/health/live``,
``/health/ready``, ``/metrics``) through ``shared.asgi``, its sampler as the one
background task from start to stop."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from services.console.context import Console
from services.console.handlers import sample_metrics
from services.console.settings import NAME
from shared.asgi import serve, with_health
from shared.health import Check, health_app
from shared.logging import configure_logging
from shared.shutdown import STOP_STEP_S, cancel_all

log = structlog.get_logger("service")


class ConsoleProcess:
    def __init__(self, context: Console, *, configure_logging: bool = True) -> None:
        self.name = NAME
        self.context = context
        self.settings = context.settings
        self.configure_logging = configure_logging
        self._sampler: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._sampler is not None:
            return
        if self.configure_logging:
            configure_logging(NAME, level=self.settings.log_level, fmt=self.settings.log_format)
        await self.context.open()
        self._sampler = asyncio.create_task(sample_metrics.run(self.context), name="sampler")
        log.info("service_ready", http_port=self.settings.http_port)

    async def stop(self) -> None:
        if self._sampler is not None:
            sampler, self._sampler = self._sampler, None
            await cancel_all([sampler], "sampler", STOP_STEP_S)
        await self.context.close()
        log.info("service_stopped")

    def checks(self) -> dict[str, Check]:
        return {"sampler": self._check_sampler}

    async def _check_sampler(self) -> tuple[bool, Any]:
        # Ready while it samples: the console must answer, above all, when services do not.
        running = self._sampler is not None and not self._sampler.done()
        latest = self.context.latest()
        return running, {"samples": len(self.context.history), "latest": latest and latest.at}

    def asgi(self, api: Any = None) -> Any:
        return with_health(health_app(self.checks()), api, self.start, self.stop)

    def run(self, api: Any = None) -> None:
        serve(self.asgi(api), self.settings.http_host, self.settings.http_port)
