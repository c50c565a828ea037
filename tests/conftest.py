from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest

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
    admin_url = infra.admin_database_url
    assert admin_url, "tests need an admin DATABASE_URL to create per-test databases"
    name = unique_name("t_", request)
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
