"""Wiring: the gateway service (consumer, outbox, health) and its HTTP API.

``python -m services.trader_gateway`` serves both on ``VAULT_HTTP_PORT``:
- ``/v1/...`` the trader API (API key per trading house) and ``/v1/admin/...`` (ops
  token from ``VAULT_ADMIN_TOKEN``), described by ``/v1/openapi.json``;
- ``/health/live``, ``/health/ready``, ``/metrics`` from the shared service.

Limits, from the environment (see ``settings.py``): request body
``VAULT_GATEWAY_MAX_BODY_BYTES`` (413), time per request
``VAULT_GATEWAY_REQUEST_TIMEOUT_S`` (504), requests per key
``VAULT_GATEWAY_RATE_PER_S``/``_BURST`` (429, token bucket in this process), page
size 200 and batch size 100 (422).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException

from services.trader_gateway import events
from services.trader_gateway.api import middleware, problems
from services.trader_gateway.api.context import Gateway
from services.trader_gateway.api.limits import Limiter
from services.trader_gateway.api.routes import admin, declines, fills, legs, offers
from services.trader_gateway.consumer import SERVICE, build_router
from services.trader_gateway.domain import RatePolicy
from services.trader_gateway.settings import GatewaySettings
from shared import topics
from shared.catalogue import load_catalogue
from shared.contracts import (
    FillConfirmed,
    LegDeclined,
    OfferPublished,
    OfferWithdrawn,
    TraderRegistered,
)
from shared.service import Service
from shared.settings import ServiceSettings

API_VERSION = "1.0.0"


def create_service(settings: ServiceSettings | None = None) -> Service:
    return Service(
        SERVICE,
        routers=[build_router()],
        topics=[topics.SOURCING_LEGS, *events.TOPICS],
        migrations=["services.trader_gateway"],
        settings=settings,
        emits=[
            (topics.TRADER_FILLS, FillConfirmed),
            (topics.TRADER_DECLINES, LegDeclined),
            (topics.TRADER_OFFERS, OfferPublished),
            (topics.TRADER_OFFERS, OfferWithdrawn),
            (topics.PROGRAM_TRADERS, TraderRegistered),
        ],
    )


def create_api(
    service: Service,
    settings: GatewaySettings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    settings = settings or GatewaySettings()
    app = FastAPI(
        title="Vault trader gateway",
        version=API_VERSION,
        description=__doc__,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        # Operation ids are what generated clients call their methods: keep them readable.
        generate_unique_id_function=lambda route: route.name,
    )
    gateway = Gateway(
        service=service,
        settings=settings,
        catalogue=load_catalogue(),
        keys=Limiter(RatePolicy(settings.rate_per_second, settings.rate_burst)),
        auth_failures=Limiter(
            RatePolicy(settings.auth_failures_per_second, settings.auth_failure_burst)
        ),
    )
    if clock is not None:
        gateway.clock = clock
    app.state.gateway = gateway
    for router in (legs.router, fills.router, declines.router, offers.router, admin.router):
        app.include_router(router, prefix="/v1")
    app.add_exception_handler(problems.ProblemError, problems.on_problem)
    app.add_exception_handler(HTTPException, problems.on_http_exception)
    app.add_exception_handler(RequestValidationError, problems.on_validation_error)
    # Added innermost first: Guard wraps TimeLimit wraps BodyLimit wraps the routes.
    app.add_middleware(middleware.BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(middleware.TimeLimit, seconds=settings.request_timeout_s)
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
