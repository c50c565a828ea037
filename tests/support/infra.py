"""Session infrastructure for the tests: the project's own launcher, on free ports.

Where ``KAFKA_BOOTSTRAP_SERVERS`` and ``DATABASE_URL`` are set, those are used.
A broker or database that cannot start fails the run with the launcher's log:
never a skip, in CI or out of it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from vault.infra.containers import containers, docker_answers
from vault.infra.kafka import KafkaLaunchError
from vault.infra.launcher import Endpoints, Launcher
from vault.infra.postgres import PostgresLaunchError
from vault.infra.process import free_port, free_port_block


def launch_for_tests(state: Path, *, brokers: int = 1) -> tuple[Launcher, Endpoints]:
    env = dict(os.environ)
    launcher = Launcher(state=state, env=env)
    try:
        endpoints, _ = launcher.up(
            brokers=brokers, kafka_port=free_port_block(2 * brokers), pg_port=free_port()
        )
    except (KafkaLaunchError, PostgresLaunchError) as exc:
        launcher.down()
        pytest.fail(
            f"infrastructure did not start (CI={os.environ.get('CI', '')}):\n{exc}", pytrace=False
        )
    return launcher, endpoints


def unique_name(prefix: str, request: pytest.FixtureRequest) -> str:
    test = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:30]
    return f"{prefix}{test}_{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def private_state(prefix: str) -> Iterator[Path]:
    """A state folder of our own: pytest prunes old basetemp folders, even of a session
    still running in parallel, which would pull the data out from under its PostgreSQL."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def infra() -> Iterator[Endpoints]:
    if os.environ.get("VAULT_TEST_INFRA") == "containers":
        # Opt-in, for machines with Docker: testcontainers instead of the launcher.
        if not docker_answers():
            pytest.fail("VAULT_TEST_INFRA=containers, but no Docker engine answers", pytrace=False)
        with containers() as endpoints:
            yield endpoints
        return
    with private_state("vault-test-infra-") as state:
        launcher, endpoints = launch_for_tests(state)
        try:
            yield endpoints
        finally:
            launcher.down()
