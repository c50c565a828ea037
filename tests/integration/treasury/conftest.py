"""One treasury service per test module, on the session's broker and a database of its own,
with a program admin's and an ops reader's key issued straight into its credentials table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from services.treasury.app import create_api, create_service
from shared import topics
from shared.access import keys
from shared.http.auth import Role
from shared.http.context import utc_now
from shared.service import Service
from shared.settings import ServiceSettings
from tests.support.databases import fresh_database
from tests.support.infra import unique_name
from tests.support.kafka import start_group_at_end
from vault.infra.launcher import Endpoints

READS = (
    topics.SOURCING_LEGS,
    topics.TRADER_LEGS,
    topics.SOURCING_ORDERS,
    topics.INVENTORY_HOLDINGS,
    topics.MARKET_REFERENCE_PRICES,
)


@dataclass(frozen=True)
class Keys:
    admin: dict[str, str]
    ops: dict[str, str]
    manufacturer: dict[str, str]


@pytest.fixture(scope="module")
async def treasury(infra: Endpoints, request: pytest.FixtureRequest) -> AsyncIterator[Service]:
    async with fresh_database(infra, unique_name("tre_", request)[:40]) as url:
        service = create_service(
            ServiceSettings(
                kafka_bootstrap_servers=infra.bootstrap_servers,
                database_url=url,
                outbox_poll_s=0.1,
                outbox_retention_s=86_400,
            )
        )
        service.configure_logging = False
        await start_group_at_end(infra.bootstrap_servers, "treasury", READS)
        await service.start()
        try:
            yield service
        finally:
            await service.stop()


@pytest.fixture(scope="module")
async def api_keys(treasury: Service) -> Keys:
    issued = {}
    for role, subject in (
        (Role.PROGRAM_ADMIN, None),
        (Role.OPS_READ, None),
        (Role.MANUFACTURER, "acme"),
    ):
        plaintext, credential = keys.issue(f"test-{role}", role.value, utc_now(), subject=subject)
        async with treasury.transaction() as conn:
            await treasury.credentials.save(conn, [credential])
        issued[role] = {"Authorization": f"Bearer {plaintext}"}
    return Keys(issued[Role.PROGRAM_ADMIN], issued[Role.OPS_READ], issued[Role.MANUFACTURER])


@pytest.fixture(scope="module")
async def api(treasury: Service) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_api(treasury))
    async with httpx.AsyncClient(transport=transport, base_url="http://treasury") as client:
        yield client
