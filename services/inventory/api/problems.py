"""RFC 9457 problem details for every refusal, and for input FastAPI itself rejects.

Bad input is always a 4xx with a readable reason; a 500 means a bug.
"""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
log = structlog.get_logger(__name__)


class Problem(Exception):
    """Raised by a route to answer with problem details; ``extra`` becomes extension members."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra


def problem_response(
    request: Request, status: int, code: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"urn:vault:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **{name: _plain(value) for name, value in extra.items()},
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def _plain(value: Any) -> Any:
    # Quantities travel as decimal text, here as everywhere else in Vault.
    if isinstance(value, Decimal):
        return str(value)
    return value


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(request, exc.status, exc.code, exc.detail, **exc.extra)


async def _on_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg", ""))}
        for err in exc.errors()
    ]
    if any(err.get("type") == "json_invalid" for err in exc.errors()):
        return problem_response(
            request, 400, "malformed-request", "the body is not valid JSON", errors=errors
        )
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem_response(request, 422, "invalid-request", detail, errors=errors)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-")
    response = problem_response(request, exc.status_code, code, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_invalid)
    app.add_exception_handler(StarletteHTTPException, _on_http)
