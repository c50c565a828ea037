"""Inventory's HTTP API: thin routes that parse, call a handler in a transaction, and answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from services.inventory.api import custody, problems, reads, releases, warehouses
from services.inventory.api.context import ApiContext
from shared.service import Service


def _now() -> datetime:
    return datetime.now(UTC)


def build_api(
    service: Service, *, replenishment_lead_days: int, clock: Callable[[], datetime] = _now
) -> FastAPI:
    api = FastAPI(
        title="Vault inventory",
        version="1.0.0",
        description=(
            "Holdings of the critical-minerals stockpile: warehouses, lots and their custody, "
            "the append-only ledger, releases in a supply shock. Quantities are decimal text; "
            "errors are RFC 9457 problem details."
        ),
    )
    api.state.inventory = ApiContext(service, replenishment_lead_days, clock)
    problems.install(api)
    for module in (warehouses, reads, releases, custody):
        api.include_router(module.router)
    return api
