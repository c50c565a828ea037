"""Fresh PostgreSQL databases for tests, created through the admin URL and dropped after."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg

from vault.infra.launcher import Endpoints


@contextlib.asynccontextmanager
async def fresh_database(infra: Endpoints, prefix: str) -> AsyncIterator[str]:
    """A new empty database named ``<prefix><random>``; yields its URL, drops it afterwards."""
    admin_url = infra.admin_database_url
    assert admin_url, "tests need an admin DATABASE_URL to create their databases"
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
