"""Session infrastructure for the tests: the project's own launcher, on free ports.

Where ``KAFKA_BOOTSTRAP_SERVERS`` and ``DATABASE_URL`` are set, those are used.
A broker or database that cannot start fails the run with the launcher's log:
never a skip, in CI or out of it.

``VAULT_TEST_KAFKA_SECURE=1`` launches the session's broker in the secure profile
(SASL/SCRAM, ACLs): each service launched from its ``Endpoints`` then runs as its own
principal, and ``Endpoints.kafka_security(name)`` hands tests any principal's
credentials (``admin`` for the launcher's super user). ``secure_kafka`` is a secure
broker of its own, Kafka only, for the tests of the ACLs themselves.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.kafka_security import KafkaSecurity
from vault.infra import principals
from vault.infra.containers import containers, docker_answers
from vault.infra.kafka import KafkaCluster, KafkaLaunchError
from vault.infra.kafka_admin import KafkaAdminError
from vault.infra.launcher import Endpoints, Launcher
from vault.infra.postgres import PostgresLaunchError
from vault.infra.process import free_port, free_port_block


def secure_requested() -> bool:
    return os.environ.get("VAULT_TEST_KAFKA_SECURE", "") not in ("", "0")


def launch_for_tests(
    state: Path, *, brokers: int = 1, secure: bool | None = None, postgres: bool = True
) -> tuple[Launcher, Endpoints]:
    """The launcher's ``up`` on free ports; ``secure`` defaults to ``VAULT_TEST_KAFKA_SECURE``."""
    env = dict(os.environ)
    launcher = Launcher(state=state, env=env)
    try:
        endpoints, _ = launcher.up(
            brokers=brokers,
            kafka_port=free_port_block(2 * brokers),
            pg_port=free_port(),
            secure=secure_requested() if secure is None else secure,
            postgres=postgres,
        )
    except (KafkaLaunchError, KafkaAdminError, PostgresLaunchError) as exc:
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


@dataclass(frozen=True)
class SecureKafka:
    """A running secure cluster: its address, and any principal's credentials."""

    endpoints: Endpoints
    cluster: KafkaCluster

    @property
    def bootstrap(self) -> str:
        return self.endpoints.bootstrap_servers

    def security(self, principal: str) -> KafkaSecurity:
        return self.endpoints.kafka_security(principal)

    def admin(self) -> KafkaSecurity:
        return self.security("admin")

    def add_intake(self, manufacturer: str) -> KafkaSecurity:
        issued = principals.add_intake(self.cluster, manufacturer)
        return KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", issued.principal, issued.password)

    def rotate(self, principal: str) -> KafkaSecurity:
        issued = principals.rotate(self.cluster, principal)
        return KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", issued.principal, issued.password)

    def remove(self, principal: str) -> None:
        principals.remove(self.cluster, principal)


@pytest.fixture(scope="session")
def secure_kafka() -> Iterator[SecureKafka]:
    """A secure broker of its own (Kafka only), once per session: the ACL tests write to
    every topic, which must not reach the session's shared broker."""
    with private_state("vault-test-secure-") as state:
        launcher, endpoints = launch_for_tests(state, secure=True, postgres=False)
        try:
            yield SecureKafka(endpoints, launcher.secure_cluster())
        finally:
            launcher.down()
