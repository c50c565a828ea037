"""Wiring: the inventory service on the backbone, and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.inventory.api import build_api
from services.inventory.consumer import router
from services.inventory.settings import NAME, inventory_settings
from shared import topics
from shared.contracts import DemandSubmitted, HoldingsUpdated, ReleasePerformed
from shared.service import Service
from shared.settings import ServiceSettings


def create_service(settings: ServiceSettings | None = None) -> Service:
    return Service(
        NAME,
        routers=[router],
        topics=[
            topics.SOURCING_ORDERS,
            topics.INVENTORY_HOLDINGS,
            topics.INVENTORY_RELEASES,
            topics.DEMAND_INTAKE,
        ],
        migrations=["services.inventory"],
        settings=inventory_settings(settings),
        emits=[
            (topics.INVENTORY_HOLDINGS, HoldingsUpdated),
            (topics.INVENTORY_RELEASES, ReleasePerformed),
            (topics.DEMAND_INTAKE, DemandSubmitted),
        ],
    )


def create_api(service: Service) -> FastAPI:
    settings = inventory_settings(service.settings)
    return build_api(service, replenishment_lead_days=settings.replenishment_lead_days)
