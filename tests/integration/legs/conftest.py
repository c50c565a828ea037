"""A sourcing service of its own for the regression tests of issue 12 (one owner per leg fact).

Its own database: these tests use whichever markets they need (``Scene(alone=True)``),
apart from the other sourcing tests' scenes. Legs live a few seconds, so a leg's
deadline passes within a test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.sourcing.harness import Sourcing, running_sourcing
from tests.support.databases import fresh_database
from vault.infra.launcher import Endpoints

LEG_TTL_S = 3.0


@pytest.fixture(scope="package")
async def sourcing(infra: Endpoints) -> AsyncIterator[Sourcing]:
    async with (
        fresh_database(infra, "t_legs_") as url,
        running_sourcing(
            infra.bootstrap_servers, url, leg_ttl_s=LEG_TTL_S, leg_sweep_s=0.25
        ) as running,
    ):
        yield running
