"""Prometheus beside the local system: ``vault infra up --with-prometheus``.

It runs the machine's own binary (Debian's ``prometheus`` package; ``$VAULT_PROMETHEUS``
names another), when there is one: without it the launcher says so and goes on. The
configuration is the one compose uses (``deploy/prometheus/prometheus.yml``), its
targets pointed at 127.0.0.1 and the ports ``vault run`` gives each process, and its
rule files at ``deploy/prometheus/``. Data under ``<state>/prometheus``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from vault.infra import process

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
CONFIG = DEPLOY / "prometheus.yml"
DEFAULT_PORT = 9090


class PrometheusLaunchError(RuntimeError):
    pass


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def binary() -> str | None:
    explicit = os.environ.get("VAULT_PROMETHEUS")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("prometheus")


def local_config(
    ports: Mapping[str, int], *, own_port: int, deploy: Path = DEPLOY
) -> dict[str, Any]:
    """The compose configuration with every Vault job scraping 127.0.0.1 at ``ports``."""
    config: dict[str, Any] = yaml.safe_load((deploy / "prometheus.yml").read_text())
    config["rule_files"] = [str(deploy / name) for name in config.get("rule_files", [])]
    for job in config["scrape_configs"]:
        name = job["job_name"]
        if name == "prometheus":
            job["static_configs"] = [{"targets": [f"127.0.0.1:{own_port}"]}]
        elif name in ports:
            for static in job["static_configs"]:
                static["targets"] = [f"127.0.0.1:{ports[name]}"]
    return config


@dataclass(frozen=True)
class PrometheusServer:
    home: Path
    port: int = DEFAULT_PORT

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "prometheus.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "prometheus.log"

    def pid(self) -> int | None:
        return process.read_pid(self.pid_file)

    def start(self, executable: str, ports: Mapping[str, int]) -> None:
        if self.pid():
            return
        self.home.mkdir(parents=True, exist_ok=True)
        config = self.home / "prometheus.yml"
        config.write_text(yaml.safe_dump(local_config(ports, own_port=self.port), sort_keys=False))
        process.spawn(
            [
                executable,
                f"--config.file={config}",
                f"--storage.tsdb.path={self.home / 'data'}",
                "--storage.tsdb.retention.time=7d",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            log_file=self.log_file,
            pid_file=self.pid_file,
        )

    def wait_ready(self, timeout_s: float = 30.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if not self.pid():
                raise PrometheusLaunchError(
                    f"prometheus exited:\n{process.tail(self.log_file, 30)}"
                )
            if process.port_open("127.0.0.1", self.port) and _answers(f"{self.url}/-/ready"):
                return time.monotonic() - started
            time.sleep(0.25)
        raise PrometheusLaunchError(
            f"prometheus not ready after {timeout_s:.0f}s:\n{process.tail(self.log_file, 30)}"
        )

    def stop(self) -> None:
        pid = self.pid()
        if pid:
            process.stop_pids([pid], grace_s=10)
        self.pid_file.unlink(missing_ok=True)
