"""A sourcing service of its own for the money tests (annual ceilings, policy exceptions),
on a fresh database, with a program admin's key issued straight into its credentials.

Every market is some test's scene in ``tests/integration/sourcing``; a package of its
own (its service starts once that package's has stopped) keeps the ceilings and legs
of these tests out of those decisions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.access import keys
from shared.http.auth import Role
from shared.http.context import utc_now
from tests.integration.sourcing.harness import Sourcing, running_sourcing
from tests.support.databases import fresh_database
from vault.infra.launcher import Endpoints


@pytest.fixture(scope="package")
async def sourcing(infra: Endpoints) -> AsyncIterator[Sourcing]:
    async with (
        fresh_database(infra, "t_sourcing_ceilings_") as url,
        running_sourcing(infra.bootstrap_servers, url, leg_ttl_s=600.0) as running,
    ):
        yield running


@pytest.fixture(scope="package")
async def admin(sourcing: Sourcing) -> dict[str, str]:
    plaintext, credential = keys.issue(
        "test-admin", Role.PROGRAM_ADMIN.value, utc_now(), subject=None
    )
    async with sourcing.service.transaction() as conn:
        await sourcing.service.credentials.save(conn, [credential])
    return {"Authorization": f"Bearer {plaintext}"}
