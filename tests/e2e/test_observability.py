"""The dashboards and alert rules query metrics the running processes really serve, and
Prometheus as ``vault infra up --with-prometheus`` starts it scrapes every one of them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from services.console.domain.metrics import families
from tests.e2e.conftest import System
from tests.support.observability import alert_exprs, queried_metrics
from tests.support.waiting import eventually
from vault.commands.run import PROCESSES
from vault.infra import prometheus
from vault.infra.process import free_port
from vault.infra.prometheus import PrometheusServer
from vault.scenario.demo import Demo, DemoResult

pytestmark = pytest.mark.e2e


async def test_every_metric_the_dashboards_and_alerts_query_is_served(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    served: set[str] = set()
    async with httpx.AsyncClient() as http:
        for name in PROCESSES:
            answer = await http.get(system.url(name) + "/metrics")
            assert answer.status_code == 200, name
            served |= families(answer.text)
    missing = sorted(queried_metrics() - served)
    assert not missing, f"queried but served by no process: {missing}"


@pytest.fixture(scope="module")
def prometheus_server(system: System) -> Iterator[PrometheusServer]:
    executable = prometheus.binary()
    if executable is None:
        pytest.fail("no prometheus binary: scripts/bootstrap installs Debian's", pytrace=False)
    server = PrometheusServer(system.state / "prometheus", port=free_port())
    server.start(executable, system.ports)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


async def test_prometheus_scrapes_every_process_and_loads_every_alert_rule(
    prometheus_server: PrometheusServer, demo: tuple[Demo, DemoResult]
) -> None:
    async with httpx.AsyncClient(base_url=prometheus_server.url) as http:

        async def all_up() -> bool:
            targets = (await http.get("/api/v1/targets")).json()["data"]["activeTargets"]
            health = {t["labels"]["job"]: t["health"] for t in targets}
            return all(health.get(name) == "up" for name in PROCESSES)

        await eventually(all_up, timeout_s=30, what="every process scraped")
        rules = (await http.get("/api/v1/rules")).json()["data"]["groups"]
        loaded = {r["name"] for g in rules for r in g["rules"]}
        assert loaded == set(alert_exprs())

        async def readiness_seen() -> bool:
            answer = await http.get("/api/v1/query", params={"query": "vault_console_target_ready"})
            return len(answer.json()["data"]["result"]) == 4

        await eventually(readiness_seen, timeout_s=30, what="the console's readiness probe")

        async def cobalt_held() -> bool:
            # The stockpile itself reaches Prometheus: inventory's holdings gauge.
            query = {"query": "sum by (mineral) (vault_inventory_holdings)"}
            answer = await http.get("/api/v1/query", params=query)
            return "cobalt" in {r["metric"]["mineral"] for r in answer.json()["data"]["result"]}

        await eventually(cobalt_held, timeout_s=30, what="cobalt holdings in Prometheus")
