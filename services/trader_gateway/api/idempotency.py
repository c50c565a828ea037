"""Idempotent writes: claim the key, act, store the answer, all in one transaction.

A retry with the same key and body gets the first answer back, byte for byte (with
``Idempotent-Replayed: true``), and books nothing; the same key with another body is
409. Refusals are answers too: they are stored and replayed, so a corrected request
needs a new key. Nothing is stored when the request fails unexpectedly (the
transaction rolls back), so such a request can simply be retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Header, Request
from pydantic import BaseModel
from starlette.responses import Response

from services.trader_gateway.api.context import Gateway
from services.trader_gateway.api.problems import PROBLEM_JSON, ProblemError
from services.trader_gateway.api.security import Principal
from services.trader_gateway.domain import (
    Conflict,
    Refusal,
    Replay,
    StoredResponse,
    check_idempotency_key,
    decide,
    request_fingerprint,
)
from services.trader_gateway.repository import idempotency as records
from shared.db import Connection

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
        description="Unique per intended action (e.g. a UUID); a retry reuses it.",
    ),
]
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    media_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


def reply(status: int, model: BaseModel, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, model.model_dump_json().encode(), JSON, headers or {})


def refused(refusal: Refusal) -> Reply:
    problem = ProblemError.of(refusal)
    return Reply(problem.status, problem.body(), PROBLEM_JSON)


Action = Callable[[Connection], Awaitable[Reply]]


async def run_idempotent(
    ctx: Gateway, request: Request, principal: Principal, key: str, action: Action
) -> Response:
    problem = check_idempotency_key(key)
    if problem is not None:
        raise ProblemError.of(problem)
    # Validated already by the route; re-read (cached) to fingerprint what was sent.
    body = await request.json() if await request.body() else None
    fingerprint = request_fingerprint(
        request.method, request.url.path, body, principal=principal.trader_id
    )
    async with ctx.pool.acquire() as conn, conn.transaction():
        stored = await records.reserve(
            conn, principal.trader_id, key, fingerprint, request.method, request.url.path
        )
        decision = decide(stored, fingerprint)
        if isinstance(decision, Conflict):
            raise ProblemError.of(decision)
        if isinstance(decision, Replay):
            return _response(decision.response, replayed=True)
        outcome = await action(conn)
        answer = StoredResponse(
            fingerprint,
            outcome.status,
            outcome.body,
            (("content-type", outcome.media_type), *outcome.headers.items()),
        )
        await records.complete(conn, principal.trader_id, key, answer)
    return _response(answer, replayed=False)


def _response(stored: StoredResponse, *, replayed: bool) -> Response:
    headers = dict(stored.headers)
    media_type = headers.pop("content-type", JSON)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(stored.body, stored.status_code, headers=headers, media_type=media_type)
