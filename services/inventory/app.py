"""Wiring only: inventory's service (the fills consumer) and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.inventory import consumers
from services.inventory.api import arrivals, holdings, lots, receipts, releases, warehouses
from services.inventory.context import Inventory
from services.inventory.handlers import refresh_gauges
from services.inventory.settings import NAME, inventory_settings
from shared.contracts import HoldingsUpdated, ReleasePerformed, ReplenishmentRequested
from shared.http.app import create_api as create_http_api
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(settings: ServiceSettings | None = None) -> Service:
    widened = inventory_settings(settings)
    service = Service(
        NAME,
        emits=[HoldingsUpdated, ReleasePerformed, ReplenishmentRequested],
        migrations=["services.inventory"],
        settings=widened,
        background=[refresh_gauges.gauges],
    )
    service.context = Inventory(
        service,
        replenishment_lead_days=widened.replenishment_lead_days,
        replenishment_price_headroom=widened.replenishment_price_headroom,
    )
    service.subscribe(consumers.subscriptions(service.context))
    return service


def create_api(service: Service) -> FastAPI:
    return create_http_api(
        title="Vault inventory",
        description=(
            "Holdings of the critical-minerals stockpile: warehouses, lots and their custody, "
            "the append-only ledger, releases in a supply shock. Quantities are decimal text; "
            "errors are RFC 9457 problem details."
        ),
        context=service.context,
        routers=[
            warehouses.router,
            receipts.router,
            holdings.router,
            lots.router,
            releases.router,
            arrivals.router,  # issue 17: physical receipts apart from title
        ],
    )
