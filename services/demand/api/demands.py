"""Demand over HTTP: the same use case as the Kafka intake, answered in the response.

POST /v1/demands                                  202 accepted or duplicate, 422 rejected,
                                                  409 conflict, 400/413/415 unreadable request
GET  /v1/demands/{manufacturer_id}/{request_id}   the stored answer, 404 if none
GET  /v1/replenishments/{manufacturer_id}/{release_id}   the order a release became, 404 if none
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pydantic_core
import structlog
from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse

from services.demand import events, views
from services.demand.api.schemas import DemandAnswer, DemandView, ReplenishmentView
from services.demand.context import Demand
from services.demand.domain import (
    Accepted,
    Conflict,
    DemandKey,
    Outcome,
    Rejected,
    Submission,
    read_submission,
)
from services.demand.handlers.submit_demand import Submitted, submit_demands
from shared.access.entitlements import may_act_for, may_read
from shared.codec import tolerant_json
from shared.contracts.demand import DemandSubmitted
from shared.http.app import router as api_router
from shared.http.auth import Caller, OwnOrOps, Role, forbidden, requires
from shared.http.context import context_of
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(tags=["demands"])
Ctx = Annotated[Demand, Depends(context_of)]
Submitter = Annotated[Caller, Depends(requires(Role.MANUFACTURER, Role.PROGRAM_ADMIN))]


@router.post(
    "/demands",
    status_code=202,
    response_model=DemandAnswer,
    responses=problem_responses(400, 401, 403, 409, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": DemandSubmitted.model_json_schema()}},
        }
    },
)
async def submit(request: Request, who: Submitter, ctx: Ctx) -> Response:
    """Submit a demand. Resending one already accepted is answered as a duplicate.

    A manufacturer's key submits in its own name only (another's is 403); a program
    admin may submit on a manufacturer's behalf; read-only ops may not."""
    submission = read_submission(_json_object(request.headers, await request.body()))
    if submission.key is not None and not may_act_for(who, submission.key.manufacturer_id):
        raise forbidden("this key may not submit demand in that manufacturer's name")
    correlation_id = str(uuid.uuid4())
    with structlog.contextvars.bound_contextvars(channel="http", correlation_id=correlation_id):
        async with ctx.service.transaction() as conn:
            [outcome] = await submit_demands(
                conn, [Submitted(submission, "http", correlation_id=correlation_id)], ctx.today()
            )
    return _answer(submission, outcome, correlation_id)


@router.get(
    "/demands/{manufacturer_id}/{request_id}",
    response_model=DemandView,
    responses=problem_responses(401, 403, 404, 503),
)
async def read(manufacturer_id: str, request_id: str, who: OwnOrOps, ctx: Ctx) -> DemandView:
    """The answer Vault gave to this request: accepted (with its order) or rejected (why).
    Another manufacturer's demand is not found."""
    if not may_read(who, manufacturer_id):
        raise not_found("no such demand")
    key = DemandKey(manufacturer_id, request_id)
    # An id the rules refuse was never stored; do not hand it to the database.
    found = await views.demand(ctx.service.pool, key) if key.is_well_formed else None
    if found is None:
        raise not_found("no such demand")
    return DemandView.model_validate(found, from_attributes=True)


@router.get(
    "/replenishments/{manufacturer_id}/{release_id}",
    response_model=ReplenishmentView,
    responses=problem_responses(401, 403, 404, 503),
)
async def read_replenishment(
    manufacturer_id: str, release_id: str, who: OwnOrOps, ctx: Ctx
) -> ReplenishmentView:
    """The order a release of the manufacturer's material became, to buy it back."""
    if not may_read(who, manufacturer_id):
        raise not_found("no such replenishment")
    found = await views.replenishment(ctx.service.pool, manufacturer_id, release_id)
    if found is None:
        raise not_found("no such replenishment")
    return ReplenishmentView.model_validate(found)


def _json_object(headers: Any, body: bytes) -> dict[str, Any]:
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ProblemError(
            415,
            "unsupported_media_type",
            "Content-Type must be application/json",
            title="Send JSON",
        )
    try:
        parsed = pydantic_core.from_json(body)
    except ValueError as error:
        try:
            # Integers past 4,300 digits and lone surrogate escapes are JSON pydantic's
            # parser refuses: read so, they are answered naming the field, as on the intake.
            parsed = tolerant_json(body)
        except ValueError:
            raise ProblemError(
                400, "malformed_json", str(error)[:200], title="Body is not JSON"
            ) from None
    if not isinstance(parsed, dict):
        detail = "the body must be one JSON object with the demand's fields"
        raise ProblemError(400, "malformed_json", detail, title="Body is not a JSON object")
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
        if key.is_well_formed:
            ids["instance"] = _instance(key)
    if isinstance(outcome, Conflict):
        assert key is not None
        error = ProblemError(
            409,
            "demand_conflict",
            outcome.message,
            title="Request id already used for a different demand",
            extensions={"order_id": outcome.order_id, **ids},
            headers=headers,
        )
        return error.response()
    assert isinstance(outcome, Rejected)
    reasons = [events.rejection_reason(r).model_dump() for r in outcome.reasons]
    error = ProblemError(
        422,
        "demand_rejected",
        "; ".join(r.message for r in outcome.reasons),
        title="Demand rejected",
        extensions={"reasons": reasons, **ids},
        headers=headers,
    )
    return error.response()


def _instance(key: DemandKey) -> str:
    return f"/v1/demands/{key.manufacturer_id}/{key.request_id}"
