"""Any of the four services in-process, on the session's broker and a database of its own.

For the tests that treat every service alike (hostile HTTP input, schemathesis over each
OpenAPI document, the record fuzzer): each service is built by its own ``app.py``, its
consumer group is moved to the end of its input topics first (the session broker is
shared), and its API is reached through ASGI in this event loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx
from fastapi import FastAPI

from services.demand import app as demand_app
from services.inventory import app as inventory_app
from services.sourcing import app as sourcing_app
from services.trader_gateway import app as gateway_app
from services.trader_gateway.settings import GatewaySettings
from shared.kafka import ensure_topics
from shared.service import Service
from shared.settings import ServiceSettings
from tests.support.access import BOOTSTRAP_ENV
from tests.support.databases import fresh_database
from tests.support.kafka import start_group_at_end
from vault.infra.launcher import Endpoints

ServiceName = Literal["demand", "sourcing", "trader_gateway", "inventory"]
SERVICES: tuple[ServiceName, ...] = ("demand", "sourcing", "trader_gateway", "inventory")

# The gateway's admin API needs a token; the limits are raised so that tests firing many
# requests are not throttled (the limits have tests of their own).
ADMIN_TOKEN = "admin-" + "fedcba9876543210" * 3
_GATEWAY = GatewaySettings.model_validate(
    {
        "admin_token": ADMIN_TOKEN,
        "rate_per_second": Decimal(100_000),
        "rate_burst": 100_000,
        "auth_failure_burst": 100_000,
    }
)


@dataclass
class Running:
    name: ServiceName
    service: Service
    api: FastAPI
    client: httpx.AsyncClient


def _build(name: ServiceName, settings: ServiceSettings) -> tuple[Service, Callable[[], FastAPI]]:
    if name == "demand":
        service = demand_app.create_service(settings)
        return service, lambda: demand_app.create_api(service)
    if name == "sourcing":
        service = sourcing_app.create_service(settings)
        return service, lambda: sourcing_app.create_api(service)
    if name == "inventory":
        service = inventory_app.create_service(settings)
        return service, lambda: inventory_app.create_api(service)
    service = gateway_app.create_service(settings, _GATEWAY)
    return service, lambda: gateway_app.create_api(service, _GATEWAY)


@contextlib.asynccontextmanager
async def running(
    name: ServiceName, infra: Endpoints, *, database_url: str | None = None, **settings: Any
) -> AsyncIterator[Running]:
    """``name`` started in-process; ``settings`` override the service settings."""
    async with contextlib.AsyncExitStack() as stack:
        if database_url is None:
            database_url = await stack.enter_async_context(fresh_database(infra, f"t_{name}_"))
        config = ServiceSettings.model_validate(
            {
                "kafka_bootstrap_servers": infra.bootstrap_servers,
                "database_url": database_url,
                "outbox_poll_s": 0.1,
                # The deployment's first keys (tests.support.access.ADMIN_KEY, OPS_READ_KEY).
                "bootstrap_keys": BOOTSTRAP_ENV,
                **settings,
            }
        )
        service, make_api = _build(name, config)
        service.configure_logging = False
        await ensure_topics(infra.bootstrap_servers, service.topics)
        inputs = tuple(dict.fromkeys(s.topic for s in service.subscriptions))
        if inputs:
            await start_group_at_end(infra.bootstrap_servers, name, inputs)
        await service.start()
        stack.push_async_callback(service.stop)
        api = make_api()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api), base_url=f"http://{name}", timeout=30
        )
        stack.push_async_callback(client.aclose)
        yield Running(name, service, api, client)
