"""Wiring only: sourcing's service (consumers, the sweep, migrations) and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.sourcing import consumers
from services.sourcing.api import exceptions, ops, orders, reconciliation
from services.sourcing.context import Sourcing
from services.sourcing.handlers import refresh_program_gauges
from services.sourcing.settings import NAME, load_policy, sourcing_settings
from shared.catalogue import load_catalogue
from shared.contracts import FillRecorded, LegCancelRequested, LegRouted, OrderStatusChanged
from shared.http.app import create_api as create_http_api
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(settings: ServiceSettings | None = None) -> Service:
    config = sourcing_settings(settings)
    service = Service(
        NAME,
        emits=[LegRouted, LegCancelRequested, OrderStatusChanged, FillRecorded],
        migrations=["services.sourcing"],
        settings=config,
        background=[consumers.sweep, refresh_program_gauges.gauges],
    )
    service.context = Sourcing(
        service=service,
        policy=load_policy(config.policy_path),
        catalogue=load_catalogue(),
        leg_ttl=config.leg_ttl,
        sweep_every_s=config.leg_sweep_s,
    )
    service.subscribe(consumers.subscriptions(service.context))
    return service


def create_api(service: Service) -> FastAPI:
    return create_http_api(
        title="Vault sourcing",
        description="Procurement orders as sourcing placed them: legs, fills and the why.",
        context=service.context,
        routers=[orders.router, ops.router, reconciliation.router, exceptions.router],
    )
