"""The system as the interleaving test runs it: Kafka, PostgreSQL, and every service twice.

Each service runs as two processes (replicas) in one consumer group, on one database,
each on its own HTTP port; a replica can be killed (SIGKILL, no goodbye to the group,
its connections cut) and started again on the same port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vault.commands.run import service_env
from vault.infra import process
from vault.infra.launcher import SERVICES, Endpoints


@dataclass
class Replica:
    service: str
    index: int
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """Two replicas (or ``replicas``) of each service, on one infrastructure."""

    state: Path
    endpoints: Endpoints
    env: Mapping[str, str]
    replicas: int = 2
    members: dict[str, list[Replica]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for service in SERVICES:  # every service the launcher runs, two replicas each
            self.members[service] = [
                Replica(service, i, process.free_port(), self.state / "logs" / f"{service}-{i}.log")
                for i in range(self.replicas)
            ]

    def all(self) -> Iterator[Replica]:
        for replicas in self.members.values():
            yield from replicas

    def urls(self, service: str) -> list[str]:
        return [r.url for r in self.members[service]]

    def start(self, replica: Replica) -> None:
        env = {
            **service_env(self.endpoints, replica.service, self.state, replica.port),
            **self.env,
        }
        replica.proc = process.spawn(
            [sys.executable, "-m", f"services.{replica.service}"],
            log_file=replica.log,
            pid_file=self.state / "services" / f"{replica.name}.pid",
            env=env,
        )

    def start_all(self) -> None:
        for replica in self.all():
            self.start(replica)

    def wait_ready(self, replicas: list[Replica] | None = None, timeout_s: float = 180) -> None:
        waiting = list(replicas or self.all())
        deadline = time.monotonic() + timeout_s
        while waiting:
            for replica in list(waiting):
                if replica.proc is not None and replica.proc.poll() is not None:
                    raise RuntimeError(f"{replica.name} exited:\n{process.tail(replica.log, 30)}")
                if _ready(replica.url):
                    waiting.remove(replica)
            if time.monotonic() > deadline:
                names = [r.name for r in waiting]
                raise RuntimeError(f"not ready after {timeout_s:.0f}s: {names}")
            time.sleep(0.3)

    def kill(self, replica: Replica) -> None:
        """SIGKILL: no shutdown, no leaving the group, connections cut by the kernel."""
        assert replica.proc is not None
        os.kill(replica.proc.pid, signal.SIGKILL)
        replica.proc.wait(timeout=10)

    def stop_all(self) -> None:
        pids = [r.proc.pid for r in self.all() if r.proc is not None and r.proc.poll() is None]
        process.stop_pids(pids, grace_s=20)
        for replica in self.all():
            if replica.proc is not None:
                replica.proc.poll()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False
