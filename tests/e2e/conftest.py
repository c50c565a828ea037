"""The whole system as its users see it: infrastructure of its own, five service processes
and the ops console, on Kafka's secure profile (every process its own principal) and with
API keys for every HTTP call.

Services run as real processes (`python -m services.<name>`), each with its own
database, role and consumer group, on free ports; tests drive them only from
outside: the Kafka intake topic, the gateway's HTTP API, the read APIs, the console's
pages in a real browser. ``demo`` is the demo scenario, run once per session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.infra import launch_for_tests, private_state
from vault.commands.run import (
    PROCESSES,
    admin_token,
    log_file,
    start_services,
    stop_services,
    wait_ready,
)
from vault.infra.acls import OPS
from vault.infra.launcher import Endpoints
from vault.infra.process import free_port, tail
from vault.scenario.actors import Urls, eventually
from vault.scenario.demo import Demo, DemoResult


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


def urls_of(system: System) -> Urls:
    return Urls(
        demand=system.url("demand"),
        sourcing=system.url("sourcing"),
        gateway=system.url("trader_gateway"),
        inventory=system.url("inventory"),
        bootstrap_servers=system.endpoints.bootstrap_servers,
        admin_token=system.admin_token,
        access=system.url("access"),
        kafka=system.endpoints.kafka_security(OPS),
    )


async def issue_key(
    http: httpx.AsyncClient, urls: Urls, kind: str, id: str, role: str | None = None
) -> str:
    """A key of a principal of access's, made by the program admin (a new key if it exists);
    the services accept it once access's credential.issued reaches them."""
    admin = {"Authorization": f"Bearer {urls.admin_token}"}
    body = {"kind": kind, "id": id, **({"role": role} if role else {})}
    answer = await http.post(f"{urls.access}/v1/principals", json=body, headers=admin)
    if answer.status_code == 409:
        answer = await http.post(
            f"{urls.access}/v1/principals/{kind}:{id}/keys", json={}, headers=admin
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["api_key"])


async def sign_in_to_console(http: httpx.AsyncClient, system: System, key: str) -> None:
    """Sign ``http`` in to the console with ``key`` (its cookie kept by the client), once
    access knows the key (it verifies with the credentials it applied from its events)."""

    async def signed_in() -> bool:
        answer = await http.post(
            f"{system.url('console')}/sign-in", data={"api_key": key, "next": "/pipeline"}
        )
        assert answer.status_code in (303, 401), answer.text
        return answer.status_code == 303

    await eventually(signed_in, "the console to accept the key", 30)


@pytest.fixture(scope="session")
async def demo(system: System) -> tuple[Demo, DemoResult]:
    """The demo scenario, once per session: its orders, fills, release and stories."""
    scenario = Demo(urls_of(system), say=lambda _: None, timeout_s=120)
    return scenario, await scenario.run()


@pytest.fixture(scope="session")
def system() -> Iterator[System]:
    with private_state("vault-test-e2e-") as state:
        yield from _system(state)


def e2e_secure() -> bool:
    """The end-to-end suite runs in the secure Kafka profile (SASL/SCRAM, ACLs), as CI runs
    it; ``VAULT_TEST_E2E_PLAINTEXT=1`` runs it on a plaintext broker instead."""
    return os.environ.get("VAULT_TEST_E2E_PLAINTEXT", "") in ("", "0")


@pytest.fixture(autouse=True)
def _as_vault_ops(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Kafka client an end-to-end test builds (and the vault commands it runs) acts
    as ops do, ``vault-ops``: for the test only, so the rest of the session is untouched."""
    for name, value in system.endpoints.kafka_security(OPS).as_env().items():
        monkeypatch.setenv(name, value)


def _system(state: Path) -> Iterator[System]:
    launcher, endpoints = launch_for_tests(state, secure=e2e_secure())
    ports = {name: free_port() for name in PROCESSES}
    # The program admin's key, made by the launcher's rule; services get only its hash.
    token = admin_token(state)
    try:
        start_services(
            state,
            endpoints,
            ports,
            extra_env={
                "VAULT_LEG_TTL_S": "30",
                # The access test sends a thousand refused requests from one address: its
                # answers are checked as 401s, not the failure limiter's 429 (tested apart).
                "VAULT_AUTH_FAILURE_BURST": "100000",
                "VAULT_GATEWAY_AUTH_FAILURE_BURST": "100000",
                "VAULT_OUTBOX_POLL_S": "0.2",
                # The console samples every second and pages refresh every 2 s: a test
                # sees rates and fresh numbers soon after the scenario.
                "VAULT_CONSOLE_SAMPLE_S": "1",
                "VAULT_CONSOLE_REFRESH_S": "2",
                # issue 16: a pacing pass over the commitments every second
                "VAULT_PARTICIPATION_PACE_S": "1",
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
        for name in PROCESSES:
            print(f"--- {name} log tail\n{tail(log_file(state, name), 15)}")
