"""The launched PostgreSQL: one database and role per service, each reachable by its own role."""

from __future__ import annotations

import asyncpg
import pytest

from vault.infra.launcher import SERVICES, Endpoints


async def test_each_service_role_reads_and_writes_its_own_database(infra: Endpoints) -> None:
    for service in SERVICES:
        conn = await asyncpg.connect(infra.database_urls[service])
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY, note text)")
            await conn.execute(
                "INSERT INTO probe VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET note = $1", service
            )
            assert await conn.fetchval("SELECT note FROM probe WHERE id = 1") == service
            assert await conn.fetchval("SELECT current_database()") == service
        finally:
            await conn.close()


async def test_a_service_role_cannot_connect_to_another_service_database(infra: Endpoints) -> None:
    assert infra.postgres_launched, "this test checks the launcher's own isolation"
    foreign = infra.database_urls["sourcing"].rsplit("/", 1)[0] + "/demand"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(foreign)
