"""Wiring only: treasury's service (what it learns, the feed it reads) and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.treasury import consumers
from services.treasury.api import funding, prices, reports
from services.treasury.context import Treasury
from services.treasury.settings import MAX_BODY_BYTES, NAME, treasury_settings
from shared.contracts import (
    AnnualCeilingSet,
    FundingSourceSet,
    PriceToleranceSet,
    ReferencePriceSet,
)
from shared.http.app import create_api as create_http_api
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(settings: ServiceSettings | None = None) -> Service:
    service = Service(
        NAME,
        emits=[ReferencePriceSet, PriceToleranceSet, AnnualCeilingSet, FundingSourceSet],
        migrations=["services.treasury"],
        settings=treasury_settings(settings),
    )
    service.context = Treasury(service)
    service.subscribe(consumers.subscriptions(service.context))
    return service


def create_api(service: Service) -> FastAPI:
    return create_http_api(
        title="Vault treasury",
        description="Money facts: reference prices, funding and ceilings, spend, premiums paid, "
        "valuation and exports.",
        context=service.context,
        routers=[prices.router, funding.router, reports.router],
        max_body_bytes=MAX_BODY_BYTES,
    )
