"""The Prometheus configuration and alert rules pass promtool, as shipped for compose and
as ``vault infra up --with-prometheus`` rewrites them for the local processes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.observability import ALERTS, alert_exprs
from vault.endpoints import SERVICE_PORTS
from vault.infra.prometheus import CONFIG, local_config


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: scripts/bootstrap installs Debian's prometheus")
    return found


def _check(*args: str) -> str:
    done = subprocess.run([_promtool(), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_alert_rules_pass_promtool() -> None:
    out = _check("check", "rules", str(ALERTS))
    assert f"{len(alert_exprs())} rules found" in out


def test_the_compose_configuration_passes_promtool() -> None:
    _check("check", "config", str(CONFIG))


def test_the_local_configuration_scrapes_every_process_at_its_run_port(tmp_path: Path) -> None:
    config = local_config(SERVICE_PORTS, own_port=9999)
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    _check("check", "config", str(path))
    targets = {
        job["job_name"]: target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert targets == {
        **{name: f"127.0.0.1:{port}" for name, port in SERVICE_PORTS.items()},
        "prometheus": "127.0.0.1:9999",
    }


def test_the_alerts_cover_what_the_issue_asks_for() -> None:
    exprs = " ".join(alert_exprs().values())
    for metric in (
        "vault_outbox_oldest_seconds",
        "vault_consumer_lag",
        "vault_consumer_stalled_seconds",
        "vault_dead_letters_total",
        "vault_outbox_parked",
        "vault_console_target_ready",
        "up{",
        "vault_sourcing_oldest_waiting_seconds",
    ):
        assert metric in exprs, metric
