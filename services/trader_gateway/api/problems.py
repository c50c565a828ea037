"""RFC 9457 problem details: the one shape of every error the API answers.

Domain refusals carry a stable ``code`` and map to a status through the domain's
table; errors raised by the framework itself (404 on an unknown path, 405, invalid
JSON, validation) are turned into the same shape here, so a client needs one parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response

from services.trader_gateway.domain import Refusal, RefusalCode, problem_type

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:vault:problem:"
MAX_LISTED_ERRORS = 20


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
    code: str = Field(description="stable, lower-case refusal code")
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

    @classmethod
    def of(cls, refusal: Refusal, headers: Mapping[str, str] | None = None) -> ProblemError:
        return cls.of_code(
            refusal.code,
            refusal.message,
            field=refusal.field,
            extensions=dict(refusal.extensions),
            headers=headers,
        )

    @classmethod
    def of_code(
        cls,
        code: RefusalCode,
        detail: str,
        *,
        field: str | None = None,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ProblemError:
        kind = problem_type(code)
        return cls(
            kind.status,
            code.value,
            detail,
            title=kind.title,
            field=field,
            extensions=extensions,
            headers=headers,
        )

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
        return orjson.dumps(self.document())

    def response(self) -> Response:
        return Response(self.body(), self.status, headers=self.headers, media_type=PROBLEM_JSON)


def refusal_document(refusal: Refusal) -> dict[str, Any]:
    return ProblemError.of(refusal).document()


async def on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return exc.response()


_REFUSAL_OF_STATUS = {
    400: RefusalCode.MALFORMED_REQUEST,
    404: RefusalCode.NOT_FOUND,
    413: RefusalCode.PAYLOAD_TOO_LARGE,
}


async def on_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method, unparseable body)."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})  # e.g. Allow on a 405
    # Starlette's details are generic phrases; ours say what to do next.
    detail = {
        404: "no such resource",
        405: f"{request.method} is not allowed here",
        400: "the request body could not be parsed",
    }.get(status, str(exc.detail))
    refusal = _REFUSAL_OF_STATUS.get(status)
    if refusal is not None:
        return ProblemError.of_code(refusal, detail, headers=headers).response()
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    return ProblemError(status, code, detail, headers=headers).response()


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Invalid JSON is 400; JSON of the wrong shape is 422, listing each field (never its value)."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return ProblemError(
            400, RefusalCode.MALFORMED_REQUEST.value, "the request body is not valid JSON"
        ).response()
    idempotency = [e for e in errors if _location(e).lower() == "header.idempotency-key"]
    if idempotency:
        missing = idempotency[0].get("type") == "missing"
        code = (
            RefusalCode.IDEMPOTENCY_KEY_MISSING if missing else RefusalCode.INVALID_IDEMPOTENCY_KEY
        )
        detail = (
            "this request needs an Idempotency-Key header"
            if missing
            else "Idempotency-Key must be 1 to 128 printable ASCII characters"
        )
        return ProblemError.of(Refusal(code, detail, "Idempotency-Key")).response()
    listed = [
        {"location": _location(e), "message": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in errors[:MAX_LISTED_ERRORS]
    ]
    first = listed[0] if listed else {"location": "", "message": "invalid request"}
    return ProblemError(
        422,
        RefusalCode.VALIDATION.value,
        f"{first['location']}: {first['message']}" if first["location"] else first["message"],
        title="Invalid request content",
        field=first["location"] or None,
        extensions={"errors": listed},
    ).response()


def _location(error: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()))


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries saying these statuses answer with a problem document."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
