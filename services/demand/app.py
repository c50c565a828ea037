"""Wiring only: demand's service (the intake consumer) and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.demand import consumers
from services.demand.api import demands
from services.demand.context import Demand
from services.demand.settings import MAX_BODY_BYTES, NAME, demand_settings
from shared.contracts import DemandAccepted, DemandConflict, DemandRejected, ProcurementRequested
from shared.http.app import create_api as create_http_api
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(settings: ServiceSettings | None = None) -> Service:
    # Reads the manufacturers' intake and inventory's replenishments (consumers.py).
    config = demand_settings(settings)
    service = Service(
        NAME,
        emits=[DemandAccepted, DemandRejected, DemandConflict, ProcurementRequested],
        migrations=["services.demand"],
        settings=config,
    )
    service.context = Demand(service)
    service.subscribe(consumers.subscriptions(service.context, config.intakes()))
    return service


def create_api(service: Service) -> FastAPI:
    return create_http_api(
        title="Vault demand",
        description="Manufacturers submit demand for critical minerals and read back the answer.",
        context=service.context,
        routers=[demands.router],
        max_body_bytes=MAX_BODY_BYTES,
    )
