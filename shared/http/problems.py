"""RFC 9457 problem details: the one shape of every error any Vault API answers.

``code`` is what clients branch on: stable, lower_snake_case, never renamed. Errors
raised by the framework (unknown path, wrong method, unreadable or invalid input),
a database that is away (503 with Retry-After) and bugs (500, no stack trace) are
answered in the same shape, so a client needs one parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import asyncpg
import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Send

from shared.consumer.retry import NEVER_TRANSIENT, TRANSIENT
from shared.db import REFUSED_VALUES

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:vault:problem:"
MAX_LISTED_ERRORS = 20
RETRY_AFTER_S = 5

log = structlog.get_logger("http")


class FieldError(BaseModel):
    location: str
    message: str
    type: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details; ``code`` is what clients branch on."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    type: str = Field(description="urn:vault:problem:<code>")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    code: str = Field(description="stable, lower_snake_case")
    field: str | None = Field(default=None, description="the offending input, where there is one")
    errors: list[FieldError] | None = Field(default=None, description="each invalid input")


class ProblemError(Exception):
    """Raised anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        field: str | None = None,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.field = field
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})

    def document(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_PREFIX + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.field is not None:
            body["field"] = self.field
        # Extensions never replace the standard members.
        body.update({k: v for k, v in self.extensions.items() if k not in body})
        return body

    def body(self) -> bytes:
        return orjson.dumps(self.document(), default=_plain)

    def response(self) -> Response:
        return Response(self.body(), self.status, headers=self.headers, media_type=PROBLEM_JSON)


class ProblemRaised(HTTPException):
    """A ``ProblemError`` raised where the framework lets only an ``HTTPException`` pass
    unchanged (FastAPI turns any other error from reading a body into a bare 400)."""

    def __init__(self, problem: ProblemError) -> None:
        super().__init__(problem.status, problem.detail)
        self.problem = problem


async def send_problem(send: Send, problem: ProblemError) -> None:
    """Answer ``problem`` straight over ASGI (from middleware, outside the routes)."""
    body = problem.body()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in problem.headers.items()),
    ]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON")


def not_found(what: str = "no such resource") -> ProblemError:
    """The one answer for "absent" and "not yours": a different one would let callers probe."""
    return ProblemError(404, "not_found", what)


def unavailable(detail: str = "try again shortly; nothing was recorded") -> ProblemError:
    return ProblemError(503, "unavailable", detail, headers={"Retry-After": str(RETRY_AFTER_S)})


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return exc.response()


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method, unparseable body)."""
    assert isinstance(exc, HTTPException)
    if isinstance(exc, ProblemRaised):
        return exc.problem.response()
    status = exc.status_code
    headers = dict(exc.headers or {})  # e.g. Allow on a 405
    known = {
        400: ("malformed_request", "the request could not be parsed"),
        404: ("not_found", "no such resource"),
        405: ("method_not_allowed", f"{request.method} is not allowed here"),
        413: ("payload_too_large", "the request body is too large"),
    }
    code, detail = known.get(
        status,
        (HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_"), str(exc.detail)),
    )
    return ProblemError(status, code, detail, headers=headers).response()


def _location(error: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    """Invalid JSON is 400; JSON of the wrong shape is 422, listing each field (never its value)."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return ProblemError(
            400, "malformed_request", "the request body is not valid JSON"
        ).response()
    idempotency = [e for e in errors if _location(e).lower() == "header.idempotency-key"]
    if idempotency:
        missing = idempotency[0].get("type") == "missing"
        return ProblemError(
            400,
            "idempotency_key_missing" if missing else "invalid_idempotency_key",
            "this request needs an Idempotency-Key header"
            if missing
            else "Idempotency-Key must be 1 to 128 printable ASCII characters",
            title="Idempotency-Key required" if missing else "Invalid Idempotency-Key",
            field="Idempotency-Key",
        ).response()
    listed = [
        {"location": _location(e), "message": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in errors[:MAX_LISTED_ERRORS]
    ]
    first = listed[0] if listed else {"location": "", "message": "invalid request"}
    return ProblemError(
        422,
        "validation",
        f"{first['location']}: {first['message']}" if first["location"] else first["message"],
        title="Invalid request content",
        field=first["location"] or None,
        extensions={"errors": listed},
    ).response()


async def _on_unavailable(request: Request, exc: Exception) -> Response:
    # The transaction did not commit: nothing was stored or published, a resend is safe.
    log.warning("http_dependency_unavailable", path=request.url.path, error=repr(exc))
    return unavailable().response()


async def _on_unencodable(request: Request, exc: Exception) -> Response:
    # The driver refused a value before the database saw it (e.g. an integer beyond int64).
    return ProblemError(422, "validation", "a value is out of the range Vault stores").response()


_REFUSED_VALUES = REFUSED_VALUES


async def _on_refused_value(request: Request, exc: Exception) -> Response:
    """The database (or the driver, encoding an argument) refused a value the caller sent."""
    if not isinstance(exc, _REFUSED_VALUES) and not str(exc).startswith(
        "invalid input for query argument"
    ):
        raise exc
    log.info("http_value_refused_by_database", path=request.url.path, error=repr(exc)[:300])
    return ProblemError(422, "validation", "a value is out of the range Vault stores").response()


async def _on_overflow(request: Request, exc: Exception) -> Response:
    """asyncpg encodes an integer beyond int64 by raising a bare ``OverflowError``: that one
    is the caller's value (422); any other overflow is a bug, answered 500 by the guard."""
    if not _raised_in_driver(exc):
        raise exc
    log.info("http_value_out_of_range", path=request.url.path, error=repr(exc))
    return ProblemError(422, "validation", "a number is beyond what Vault stores").response()


def _raised_in_driver(exc: BaseException) -> bool:
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    # The C encoders leave no frame of their own: the last is asyncpg's Python caller.
    module = "" if frame is None else str(frame.tb_frame.f_globals.get("__name__", ""))
    return module.startswith("asyncpg.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(HTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    for transient in TRANSIENT:  # database or network trouble, as the consumer retries it
        if issubclass(transient, Exception):
            app.add_exception_handler(transient, _on_unavailable)
    for unencodable in NEVER_TRANSIENT:
        if issubclass(unencodable, Exception):
            app.add_exception_handler(unencodable, _on_unencodable)
    app.add_exception_handler(OverflowError, _on_overflow)
    app.add_exception_handler(asyncpg.exceptions.DataError, _on_refused_value)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries saying these statuses answer with a problem document."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
