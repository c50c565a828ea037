"""ASGI middleware around the API: body cap, time limit, and a last-resort error guard.

Pure ASGI (not BaseHTTPMiddleware), so the body is read once and no task is spawned.
Each answers in the problem shape, and only if no response has started yet.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import ProblemError, send_problem

log = structlog.get_logger(__name__)

# Answers carry credentials (new keys) and participants' orders: never cached, never sniffed.
_SECURITY_HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413 before any parsing, buffering at most that.

    Reading the whole (small) body up front means the framework never sees a partial
    body, and a declared Content-Length over the cap is refused without reading at all.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> ProblemError:
        return ProblemError(
            413,
            "payload_too_large",
            f"the request body may be at most {self.max_bytes} bytes",
            title="Request body too large",
            extensions={"max_bytes": self.max_bytes},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await send_problem(send, self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_problem(send, self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # later reads only wait for the disconnect
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class TimeLimit:
    """Answer 504 when a request takes longer than ``seconds``; its transaction rolls back."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds) as deadline:
                await self.app(scope, receive, tracking)
        except TimeoutError:
            if not deadline.expired():
                raise
            log.warning("http_request_timed_out", path=scope.get("path"), limit_s=self.seconds)
            if not started:
                await send_problem(
                    send,
                    ProblemError(
                        504,
                        "timeout",
                        f"the request took longer than {self.seconds:g} s and was abandoned; "
                        "retrying with the same Idempotency-Key is safe",
                    ),
                )


class Guard:
    """Outermost: request log line, security headers, and a 500 problem (no stack trace)
    for anything unexpected, logged with its traceback for ops instead."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        began = time.perf_counter()

        async def decorated(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), *_SECURITY_HEADERS]}
            await send(message)

        request_id = uuid.uuid4().hex
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, decorated)
            except Exception:
                log.exception("http_unhandled_error", path=scope.get("path"))
                if status == 0:
                    status = 500
                    await send_problem(
                        decorated,
                        ProblemError(
                            500,
                            "internal_error",
                            f"the request failed (request {request_id}); "
                            "retrying with the same Idempotency-Key is safe",
                        ),
                    )
            log.info(
                "http_request",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                duration_ms=round((time.perf_counter() - began) * 1000, 1),
            )
