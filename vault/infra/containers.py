"""Kafka and PostgreSQL in Docker containers (testcontainers), where a Docker engine answers.

Tests choose this path with ``VAULT_TEST_INFRA=containers``; the launcher (no Docker)
is the default and the one CI runs. No Docker engine answers on our CI machines, so this
path is not exercised there.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import subprocess
from collections.abc import Iterator

from vault.infra.launcher import SERVICES, Endpoints
from vault.infra.postgres import ensure_service_database

POSTGRES_IMAGE = "postgres:18"


def docker_answers(timeout_s: float = 5.0) -> bool:
    try:
        return (
            subprocess.run(
                ["docker", "info"], capture_output=True, timeout=timeout_s, check=False
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextlib.contextmanager
def containers() -> Iterator[Endpoints]:
    """A KRaft Kafka container and a PostgreSQL container with one database per service."""
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer

    with (
        KafkaContainer().with_kraft() as kafka,
        PostgresContainer(POSTGRES_IMAGE, driver=None) as postgres,
    ):
        admin_url = postgres.get_connection_url()
        base = admin_url.rsplit("/", 1)[0].split("@", 1)[1]
        urls: dict[str, str] = {}
        for service in SERVICES:
            password = secrets.token_urlsafe(12)
            asyncio.run(ensure_service_database(admin_url, service, password))
            urls[service] = f"postgresql://{service}:{password}@{base}/{service}"
        yield Endpoints(kafka.get_bootstrap_server(), admin_url, urls, False, False)
