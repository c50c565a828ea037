from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.databases import fresh_database
from tests.support.infra import infra, unique_name
from vault.infra.launcher import Endpoints

__all__ = ["infra"]


@pytest.fixture
def bootstrap(infra: Endpoints) -> str:
    return infra.bootstrap_servers


@pytest.fixture
def topic(request: pytest.FixtureRequest) -> str:
    """A topic name no other test uses."""
    return unique_name("t.", request).replace("_", "-")


@pytest.fixture
async def database_url(infra: Endpoints, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh, empty database for this test alone, dropped afterwards."""
    async with fresh_database(infra, unique_name("t_", request)[:40]) as url:
        yield url
