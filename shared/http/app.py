"""The FastAPI app every service's API is: one error shape, one set of limits, one layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from shared.http import middleware, problems, text
from shared.http.json import DecimalJsonRoute

OPENAPI_URL = "/v1/openapi.json"
DOCS_URL = "/docs"
DEFAULT_MAX_BODY_BYTES = 256 * 1024
DEFAULT_TIMEOUT_S = 10.0


def router(**options: Any) -> APIRouter:
    """A router whose routes read JSON bodies with exact decimals (``DecimalJsonRoute``)."""
    return APIRouter(route_class=DecimalJsonRoute, **options)


def create_api(
    *,
    title: str,
    description: str,
    context: Any,
    routers: Sequence[APIRouter],
    version: str = "1.0.0",
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> FastAPI:
    """An API under ``/v1``: the routers' routes read bodies with exact decimals, every
    error is a problem document, bodies over ``max_bytes`` get 413, slow requests 504."""
    app = FastAPI(
        title=title,
        version=version,
        description=description,
        openapi_url=OPENAPI_URL,
        docs_url=DOCS_URL,
        redoc_url=None,
        # Operation ids are what generated clients call their methods: keep them readable.
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.context = context
    for router in routers:
        app.include_router(router, prefix="/v1")
    problems.install(app)
    # Added innermost first: Guard wraps TimeLimit wraps BodyLimit wraps NulInUrl wraps the
    # routes.
    app.add_middleware(text.NulInUrl)
    app.add_middleware(middleware.BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(middleware.TimeLimit, seconds=timeout_s)
    app.add_middleware(middleware.Guard)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the problem schema and no generic JSON error bodies."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                # FastAPI adds an empty application/json entry beside each declared one.
                if status[0] in "45" and problems.PROBLEM_JSON in content:
                    content.pop("application/json", None)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document
