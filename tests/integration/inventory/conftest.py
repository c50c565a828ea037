"""One inventory service per test module, on the session's broker and a database of its own.

Tests share it (starting a service and joining its consumer group costs seconds),
so each test uses its own uuid-named orders, fills, manufacturers and warehouses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.inventory.app import create_api, create_service
from shared import topics
from shared.service import Service
from shared.settings import ServiceSettings
from tests.support.access import ADMIN, BOOTSTRAP_ENV
from tests.support.databases import fresh_database
from tests.support.infra import unique_name
from tests.support.kafka import start_group_at_end
from vault.infra.launcher import Endpoints


@pytest.fixture(scope="module")
async def inventory_database(
    infra: Endpoints, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    async with fresh_database(infra, unique_name("inv_", request)[:40]) as url:
        yield url


@pytest.fixture(scope="module")
async def inventory(infra: Endpoints, inventory_database: str) -> AsyncIterator[Service]:
    service = create_service(
        ServiceSettings(
            kafka_bootstrap_servers=infra.bootstrap_servers,
            database_url=inventory_database,
            outbox_poll_s=0.1,
            bootstrap_keys=BOOTSTRAP_ENV,
            # These tests read what the service committed to emit: published rows stay.
            outbox_retention_s=86_400,
        )
    )
    service.configure_logging = False
    await start_group_at_end(infra.bootstrap_servers, "inventory", (topics.SOURCING_ORDERS,))
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture(scope="module")
async def api(inventory: Service) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_api(inventory))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://inventory", headers=ADMIN
    ) as client:
        yield client
