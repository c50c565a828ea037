"""Issue 12's randomised interleaving test: a leg's facts have one owner, whatever the timing.

On the real broker and database, every service as processes, two replicas of
each in one consumer group: at least ``VAULT_JEPSEN_LEGS`` legs (500 by default)
with short lives (``VAULT_JEPSEN_LEG_TTL_S``, 6 s), traders filling, filling in
part, declining and letting legs expire, concurrently and at the deadline, while
replicas are killed (SIGKILL) and started again. Then the checker (``checker``):
every fill answered 201 is in holdings exactly once; the services agree per leg
(the reconciliation reports no difference); no leg or order took more than it
asked for; nothing was dead-lettered on the gateway's leg stream.

A fixed seed in CI (``VAULT_JEPSEN_SEED``, default below); any seed by hand:

    VAULT_JEPSEN_SEED=7 VAULT_JEPSEN_LEGS=2000 .venv/bin/pytest -s tests/jepsen
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from shared import topics
from shared.dlq import list_dead_letters
from shared.reconciliation import Services, collect, reconcile
from tests.jepsen.checker import check
from tests.jepsen.cluster import Cluster
from tests.jepsen.workload import Config, Workload
from tests.support.infra import launch_for_tests, private_state
from vault.commands.reconcile import show
from vault.commands.run import admin_token
from vault.infra.process import tail
from vault.scenario.actors import Urls

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

SEED = int(os.environ.get("VAULT_JEPSEN_SEED", "1212"))
LEGS = int(os.environ.get("VAULT_JEPSEN_LEGS", "500"))
LEG_TTL_S = float(os.environ.get("VAULT_JEPSEN_LEG_TTL_S", "6"))
WATCHED = (topics.TRADER_LEGS, topics.SOURCING_LEGS, topics.SOURCING_ORDERS)


@dataclass(frozen=True)
class Running:
    cluster: Cluster
    admin_token: str
    started_s: float

    def urls(self) -> Urls:
        first = {service: urls[0] for service, urls in self._urls().items()}
        return Urls(
            demand=first["demand"],
            sourcing=first["sourcing"],
            gateway=first["trader_gateway"],
            inventory=first["inventory"],
            bootstrap_servers=self.cluster.endpoints.bootstrap_servers,
            admin_token=self.admin_token,
            access=first["access"],
        )

    def services(self) -> Services:
        urls = self.urls()
        return Services(urls.gateway, urls.sourcing, urls.inventory, self.admin_token)

    def _urls(self) -> dict[str, list[str]]:
        return {service: self.cluster.urls(service) for service in self.cluster.members}


@pytest.fixture(scope="module")
def running() -> Iterator[Running]:
    started = time.monotonic()
    with private_state("vault-test-jepsen-") as state:
        # The program admin's key the launcher makes (its hash reaches every replica).
        token = admin_token(state)
        launcher, endpoints = launch_for_tests(state)
        env = {
            "VAULT_LEG_TTL_S": str(LEG_TTL_S),
            "VAULT_LEG_SWEEP_S": "0.5",
            "VAULT_GATEWAY_SWEEP_S": "0.5",
            "VAULT_OUTBOX_POLL_S": "0.1",
            "VAULT_LOG_LEVEL": os.environ.get("VAULT_JEPSEN_LOG_LEVEL", "WARNING"),
            # The traders here send far more than a trading house would.
            "VAULT_GATEWAY_RATE_PER_S": "100000",
            "VAULT_GATEWAY_RATE_BURST": "100000",
            "VAULT_GATEWAY_AUTH_FAILURE_BURST": "100000",
        }
        cluster = Cluster(state, endpoints, env)
        try:
            cluster.start_all()
            try:
                cluster.wait_ready()
            except RuntimeError as exc:
                pytest.fail(f"the replicas did not become ready:\n{exc}", pytrace=False)
            yield Running(cluster, token, round(time.monotonic() - started, 1))
        finally:
            cluster.stop_all()
            launcher.down()
            for replica in cluster.all():
                print(f"--- {replica.name} log tail\n{tail(replica.log, 8)}")


async def test_every_confirmed_fill_is_booked_once_and_the_services_agree_whatever_the_interleaving(
    running: Running,
) -> None:
    cluster = running.cluster
    config = Config(seed=SEED, legs=LEGS, leg_ttl_s=LEG_TTL_S, kills=3)

    # A gateway replica and a sourcing replica (in the seed's order), then one of the others.
    first = ["trader_gateway", "sourcing"]
    random.Random(f"{SEED}:chaos").shuffle(first)
    victims = [*first, random.Random(f"{SEED}:chaos").choice(("inventory", "demand"))]

    async def kill_and_restart(kill: int) -> str:
        rng = random.Random(f"{SEED}:chaos:{kill}")
        replica = cluster.members[victims[kill]][rng.randrange(cluster.replicas)]
        seen = len(workload.history.legs)
        cluster.kill(replica)
        down_s = rng.uniform(1.5, 3.0)
        await asyncio.sleep(down_s)
        back = time.monotonic()
        await asyncio.to_thread(cluster.start, replica)
        await asyncio.to_thread(cluster.wait_ready, [replica], 180)
        return (
            f"{replica.name} SIGKILLed at {seen} legs, down {down_s:.1f}s, "
            f"ready again {time.monotonic() - back:.1f}s after restart"
        )

    workload = Workload(
        config,
        running.urls(),
        cluster.urls("trader_gateway"),
        cluster.urls("demand"),
        running.services(),
        kill_and_restart,
    )
    history = await workload.run()
    history.timings_s["system_ready"] = running.started_s

    async with httpx.AsyncClient(timeout=30) as http:
        facts = await collect(http, running.services())
        answer = await http.get(
            f"{running.urls().sourcing}/v1/reconciliation/anomalies",
            headers={"Authorization": f"Bearer {running.admin_token}"},
        )
        assert answer.status_code == 200, answer.text
        noted = answer.json()
    report = reconcile(facts)
    bootstrap = cluster.endpoints.bootstrap_servers
    dead = {topic: len(await list_dead_letters(bootstrap, topic)) for topic in WATCHED}
    verdict = check(history, facts, report, anomalies=len(noted["items"]), dead_letters=dead)

    print("\njepsen summary:", json.dumps(verdict.summary, indent=2, default=str))
    print("reconciliation, as `vault reconcile` prints it:")
    show(report, as_json=False)
    assert len(facts.gateway_legs) >= LEGS, verdict.summary
    assert verdict.ok, "\n".join(verdict.problems[:50])
