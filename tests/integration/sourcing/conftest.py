"""One sourcing service and database for the package; each test keeps to its own market.

A service start costs seconds (six consumers join one group), so it is started
once. Tests stay apart by mineral (see ``builders.Scene``) and by unique trader,
offer and order ids. Legs live a few seconds, so the expiry test needs no clock
tricks; every other test matches the legs it waits for by id, so later
cascades of its expired legs cannot confuse it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared import topics
from shared.kafka import ensure_topics
from tests.integration.sourcing.batch_support import Isolated, isolated_sourcing
from tests.integration.sourcing.harness import Sourcing, running_sourcing
from tests.support.databases import fresh_database
from vault.infra.launcher import Endpoints

LEG_TTL_S = 5.0


@pytest.fixture(scope="package")
async def sourcing_database(infra: Endpoints) -> AsyncIterator[str]:
    async with fresh_database(infra, "t_sourcing_") as url:
        yield url


@pytest.fixture(scope="package")
async def sourcing(infra: Endpoints, sourcing_database: str) -> AsyncIterator[Sourcing]:
    async with running_sourcing(
        infra.bootstrap_servers,
        sourcing_database,
        leg_ttl_s=LEG_TTL_S,
        leg_sweep_s=0.25,
    ) as running:
        yield running


@pytest.fixture(scope="package")
async def isolated(infra: Endpoints) -> AsyncIterator[Isolated]:
    """Sourcing's handlers on a database of their own, no service running (``batch_support``)."""
    await ensure_topics(infra.bootstrap_servers, [topics.PROCUREMENT_REQUESTED])
    async with (
        fresh_database(infra, "t_sourcing_batch_") as url,
        isolated_sourcing(infra.bootstrap_servers, url) as isolated,
    ):
        yield isolated
