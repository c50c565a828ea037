"""Vault trader gateway: the traders' API over their legs, fills, declines and offers.

The gateway owns a leg's fills and its closing (declined, expired, cancelled): every
check is made here before a fill is answered 201, and each fact leaves on
``vault.trader.legs`` in the order it was decided.

- ``/v1/...`` the trader API (an API key per trading house) and ``/v1/admin/...`` (the
  ops token from ``VAULT_ADMIN_TOKEN``), described by ``/v1/openapi.json``;
- ``/health/live``, ``/health/ready``, ``/metrics`` from the shared service.

Limits, from the environment: request body ``VAULT_GATEWAY_MAX_BODY_BYTES`` (413),
time per request ``VAULT_GATEWAY_REQUEST_TIMEOUT_S`` (504), requests per key
``VAULT_GATEWAY_RATE_PER_S``/``_BURST`` (429, token bucket in this process), page
size 200 and batch size 100 (422).
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from services.trader_gateway import consumers
from services.trader_gateway.api import admin, fills, legs, offers, ops, pending, reconciliation
from services.trader_gateway.context import Gateway
from services.trader_gateway.handlers import refresh_gauges
from services.trader_gateway.settings import NAME, GatewaySettings
from shared.contracts import (
    FillConfirmed,
    LegClosed,
    OfferPublished,
    OfferWithdrawn,
    TraderRegistered,
)
from shared.http.app import create_api as create_http_api
from shared.http.context import Clock
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(
    settings: ServiceSettings | None = None, gateway: GatewaySettings | None = None
) -> Service:
    service = Service(
        NAME,
        emits=[FillConfirmed, LegClosed, OfferPublished, OfferWithdrawn, TraderRegistered],
        migrations=["services.trader_gateway"],
        settings=settings,
        background=[consumers.sweep, refresh_gauges.gauges],
    )
    service.context = Gateway.of(service, gateway or GatewaySettings())
    service.subscribe(consumers.subscriptions(service.context))
    return service


def create_api(
    service: Service, settings: GatewaySettings | None = None, *, clock: Clock | None = None
) -> FastAPI:
    """The API over ``service``; ``settings`` or ``clock`` give this API its own limits
    (fresh token buckets) or time, the service's context otherwise."""
    context: Gateway = service.context
    if settings is not None:
        context = Gateway.of(service, settings, context.clock, context.bell)
    if clock is not None:
        context = replace(context, clock=clock)
    return create_http_api(
        title="Vault trader gateway",
        description=__doc__ or "",
        context=context,
        routers=[
            legs.router,
            fills.router,
            pending.router,
            offers.router,
            admin.router,
            ops.router,
            reconciliation.router,
        ],
        max_body_bytes=context.settings.max_body_bytes,
        timeout_s=context.settings.request_timeout_s,
    )
