"""One sourcing service and database for the package; each test keeps to its own market.

A service start costs seconds (six consumers join one group), so it is started
once. Tests stay apart by mineral (see ``builders.Scene``) and by unique trader,
offer and order ids. Legs live a few seconds, so the expiry test needs no clock
tricks; every other test matches the legs it waits for by id, so later
cascades of its expired legs cannot confuse it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests.integration.sourcing.harness import Sourcing, running_sourcing
from vault.infra.launcher import Endpoints

LEG_TTL_S = 5.0


@pytest.fixture(scope="package")
async def sourcing_database(infra: Endpoints) -> AsyncIterator[str]:
    admin_url = infra.admin_database_url
    assert admin_url, "tests need an admin DATABASE_URL to create their database"
    name = f"t_sourcing_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="package")
async def sourcing(infra: Endpoints, sourcing_database: str) -> AsyncIterator[Sourcing]:
    async with running_sourcing(
        infra.bootstrap_servers,
        sourcing_database,
        leg_ttl_s=LEG_TTL_S,
        leg_sweep_s=0.25,
    ) as running:
        yield running
