"""structlog, configured once per process: JSON lines for machines, colours for a terminal.

Context (service, event id, correlation id, order id) lives in contextvars and is
bound by the consumer middleware, so every line of a hop carries it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import orjson
import structlog


def _json(event: dict[str, Any], **_: Any) -> str:
    # orjson writes a line in a fraction of json.dumps' time; anything it does not know
    # (a Decimal, an enum, an exception) is written as its text.
    return orjson.dumps(event, default=str).decode()


def configure_logging(
    service: str, *, level: str = "INFO", fmt: str = "auto", stream: TextIO | None = None
) -> None:
    out = stream or sys.stderr
    use_console = fmt == "console" or (fmt == "auto" and out.isatty())
    renderer: Any = (
        structlog.dev.ConsoleRenderer()
        if use_console
        else structlog.processors.JSONRenderer(serializer=_json)
    )

    def add_service(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        # Every line says which process wrote it, HTTP request tasks included (they do
        # not inherit context bound during start-up).
        event.setdefault("service", service)
        return event

    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_service,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.clear_contextvars()
    # Library loggers (aiokafka, uvicorn, faststream) go through the same renderer.
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
