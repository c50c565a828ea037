"""The whole system as its users see it: infrastructure of its own, four service processes.

Services run as real processes (`python -m services.<name>`), each with its own
database, role and consumer group, on free ports; tests drive them only from
outside: the Kafka intake topic, the gateway's HTTP API, the read APIs.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.infra import launch_for_tests, private_state
from vault.commands.run import log_file, start_services, stop_services, wait_ready
from vault.infra.launcher import SERVICES, Endpoints
from vault.infra.process import free_port, tail


@dataclass(frozen=True)
class System:
    endpoints: Endpoints
    ports: dict[str, int]
    admin_token: str
    state: Path

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def logs(self, service: str) -> str:
        return log_file(self.state, service).read_text(errors="replace")


@pytest.fixture(scope="session")
def system() -> Iterator[System]:
    with private_state("vault-test-e2e-") as state:
        yield from _system(state)


def _system(state: Path) -> Iterator[System]:
    launcher, endpoints = launch_for_tests(state)
    ports = {service: free_port() for service in SERVICES}
    token = secrets.token_urlsafe(16)
    try:
        start_services(
            state,
            endpoints,
            ports,
            extra_env={
                "VAULT_ADMIN_TOKEN": token,
                "VAULT_LEG_TTL_S": "30",
                "VAULT_OUTBOX_POLL_S": "0.2",
            },
        )
        try:
            wait_ready(state, ports, timeout_s=120)
        except RuntimeError as exc:
            pytest.fail(f"the services did not become ready:\n{exc}", pytrace=False)
        yield System(endpoints, ports, token, state)
    finally:
        stop_services(state)
        launcher.down()
        for service in SERVICES:
            print(f"--- {service} log tail\n{tail(log_file(state, service), 15)}")
