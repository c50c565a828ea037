"""Demand over HTTP: the same use case as the Kafka intake, answered in the response.

POST /v1/demands                                  202 accepted or duplicate, 422 rejected,
                                                  409 conflict, 400/413/415 unreadable request
GET  /v1/demands/{manufacturer_id}/{request_id}   the stored answer, 404 if none
Errors are RFC 9457 problem details (``problems.py``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal

import pydantic_core
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel

from services.demand import events, repository
from services.demand.domain import DemandKey, is_well_formed_id
from services.demand.handlers import Accepted, Conflict, Outcome, Rejected, submit_demand
from services.demand.problems import (
    PROBLEM_JSON,
    Problem,
    ProblemError,
    install_problem_handlers,
    problem_response,
)
from services.demand.reading import Submission, read_submission
from services.demand.repository import Channel, Status
from shared.contracts.demand import DemandKind, DemandSubmitted, RejectionReason
from shared.service import Service

# A demand is a few hundred bytes; anything far bigger is a mistake or an attack.
MAX_BODY_BYTES = 16 * 1024

_PROBLEM = {"model": Problem, "content": {PROBLEM_JSON: {}}}


class DemandAnswer(BaseModel):
    status: Literal["accepted", "duplicate"]
    order_id: str
    manufacturer_id: str
    request_id: str


class DemandView(BaseModel):
    """What Vault answered to a (manufacturer, request id), and when."""

    manufacturer_id: str
    request_id: str
    status: Status
    order_id: str | None
    reasons: list[RejectionReason]
    demand: dict[str, str | None] | None
    kind: DemandKind | None
    channel: Channel
    received_at: AwareDatetime
    updated_at: AwareDatetime
    attempts: int


def utc_today() -> date:
    """Delivery dates are judged against the UTC calendar, whoever sends them."""
    return datetime.now(UTC).date()


def create_api(service: Service) -> FastAPI:
    api = FastAPI(
        title="Vault demand",
        version="1.0.0",
        description="Manufacturers submit demand for critical minerals and read back the answer.",
    )
    install_problem_handlers(api)

    @api.post(
        "/v1/demands",
        status_code=202,
        response_model=DemandAnswer,
        responses={c: _PROBLEM for c in (400, 409, 413, 415, 422, 503)},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": DemandSubmitted.model_json_schema()}},
            }
        },
    )
    async def submit(request: Request) -> Response:
        """Submit a demand. Resending one already accepted is answered as a duplicate."""
        submission = read_submission(_json_object(await _body(request)))
        correlation_id = str(uuid.uuid4())
        with structlog.contextvars.bound_contextvars(channel="http", correlation_id=correlation_id):
            async with service.pool.acquire() as conn, conn.transaction():
                outcome = await submit_demand(
                    conn, submission, "http", utc_today(), correlation_id=correlation_id
                )
        return _answer(submission, outcome, correlation_id)

    @api.get(
        "/v1/demands/{manufacturer_id}/{request_id}",
        response_model=DemandView,
        responses={404: _PROBLEM, 503: _PROBLEM},
    )
    async def read(manufacturer_id: str, request_id: str) -> DemandView:
        """The answer Vault gave to this request: accepted (with its order) or rejected (why)."""
        key = DemandKey(manufacturer_id, request_id)
        # An id the rules refuse was never stored; do not hand it to the database.
        found = None
        if is_well_formed_id(manufacturer_id) and is_well_formed_id(request_id):
            found = await repository.find(service.pool, key)
        if found is None:
            raise ProblemError(404, "not-found", "No such demand", _instance(key))
        return DemandView.model_validate(found, from_attributes=True)

    return api


async def _body(request: Request) -> bytes:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ProblemError(
            415, "unsupported-media-type", "Send JSON", "Content-Type must be application/json"
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():  # counted as it comes: the header may lie
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
    return bytes(body)


def _too_large() -> ProblemError:
    detail = f"a demand is at most {MAX_BODY_BYTES} bytes of JSON"
    return ProblemError(413, "body-too-large", "Request body too large", detail)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = pydantic_core.from_json(body)
    except ValueError as error:
        raise ProblemError(400, "malformed-json", "Body is not JSON", str(error)[:200]) from None
    if not isinstance(parsed, dict):
        detail = "the body must be one JSON object with the demand's fields"
        raise ProblemError(400, "malformed-json", "Body is not a JSON object", detail)
    return parsed


def _answer(submission: Submission, outcome: Outcome, correlation_id: str) -> Response:
    headers = {"X-Correlation-Id": correlation_id}
    key = submission.key
    if isinstance(outcome, Accepted):
        assert key is not None
        answer = DemandAnswer(
            status="duplicate" if outcome.duplicate else "accepted",
            order_id=outcome.order_id,
            manufacturer_id=key.manufacturer_id,
            request_id=key.request_id,
        )
        headers["Location"] = _instance(key)
        return JSONResponse(answer.model_dump(), status_code=202, headers=headers)
    ids: dict[str, str] = {}
    if key is not None:
        ids = {"manufacturer_id": key.manufacturer_id, "request_id": key.request_id}
        if is_well_formed_id(key.manufacturer_id) and is_well_formed_id(key.request_id):
            ids["instance"] = _instance(key)
    if isinstance(outcome, Conflict):
        assert key is not None
        error = ProblemError(
            409,
            "demand-conflict",
            "Request id already used for a different demand",
            outcome.message,
            order_id=outcome.order_id,
            **ids,
        )
        return problem_response(error, headers=headers)
    assert isinstance(outcome, Rejected)
    reasons = [events.rejection_reason(r).model_dump() for r in outcome.reasons]
    error = ProblemError(
        422,
        "demand-rejected",
        "Demand rejected",
        "; ".join(r.message for r in outcome.reasons),
        reasons=reasons,
        **ids,
    )
    return problem_response(error, headers=headers)


def _instance(key: DemandKey) -> str:
    return f"/v1/demands/{key.manufacturer_id}/{key.request_id}"
