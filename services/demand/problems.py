"""RFC 9457 problem details for the demand API: every error answer has one shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from shared.consumer import TRANSIENT

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:vault:problem:"

log = structlog.get_logger(__name__)


class Problem(BaseModel):
    """An error answer (RFC 9457); members beyond the standard five depend on the type."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[TYPE_PREFIX + "demand-rejected"])
    title: str
    status: int
    detail: str = ""
    instance: str | None = None


class ProblemError(Exception):
    """Raised by a route to answer with a problem; ``kind`` is the type's last segment."""

    def __init__(self, status: int, kind: str, title: str, detail: str = "", **extra: Any) -> None:
        super().__init__(f"{status} {kind}: {detail}")
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.extra = extra


def problem_response(
    error: ProblemError, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {
        "type": TYPE_PREFIX + error.kind,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        **error.extra,
    }
    return JSONResponse(body, status_code=error.status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(api: FastAPI) -> None:
    """Route errors, framework errors and an unreachable database all answer as problems."""

    @api.exception_handler(ProblemError)
    async def on_problem(request: Request, error: ProblemError) -> JSONResponse:
        return problem_response(error)

    @api.exception_handler(HTTPException)
    async def on_http(request: Request, error: HTTPException) -> JSONResponse:
        kind = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http-error")
        problem = ProblemError(error.status_code, kind, str(error.detail), str(error.detail))
        return problem_response(problem, headers=error.headers)

    @api.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        detail = "; ".join(str(e.get("msg", "")) for e in error.errors()[:5])
        return problem_response(ProblemError(400, "malformed-request", "Malformed request", detail))

    async def on_unavailable(request: Request, error: Exception) -> JSONResponse:
        # The transaction did not commit: nothing was stored or published, a resend is safe.
        log.warning("demand_api_unavailable", error=repr(error))
        problem = ProblemError(
            503, "unavailable", "Service unavailable", "try again shortly; nothing was recorded"
        )
        return problem_response(problem, headers={"Retry-After": "5"})

    for transient in TRANSIENT:  # database or network trouble, as the consumer retries it
        if issubclass(transient, Exception):
            api.add_exception_handler(transient, on_unavailable)
