"""Apache Kafka (KRaft, combined broker+controller nodes) from Maven Central jars.

``fetch_jars`` resolves the broker's classpath with Maven into the cache;
``KafkaCluster`` writes per-node properties, formats storage once, starts the
JVMs detached, and waits until the Kafka protocol reports every broker.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vault.infra import process
from vault.infra.paths import cache_dir
from vault.infra.progress import DownloadCounter, Progress, silent

if TYPE_CHECKING:
    from shared.kafka_security import KafkaSecurity
    from vault.infra.kafka_secure import Secrets

KAFKA_VERSION = "4.4.0"
LOG4J2_VERSION = "2.25.5"
POM = Path(__file__).with_name("kafka_pom.xml")
JVM_OPTS = (
    "-Xms64m",
    "-Xmx384m",
    "-XX:+UseSerialGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)

LOG4J2_PROPERTIES = """\
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
"""


class KafkaLaunchError(RuntimeError):
    """The broker could not be fetched, formatted or started; the message has the log."""


def java_binary() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise KafkaLaunchError("no java on PATH (and JAVA_HOME unset): Kafka needs Java 17+")
    return found


def lib_dir(version: str = KAFKA_VERSION) -> Path:
    return cache_dir() / f"kafka-{version}" / "lib"


def fetch_jars(
    version: str = KAFKA_VERSION, *, quiet: bool = True, progress: Progress = silent
) -> Path:
    """Resolve the broker classpath into the cache once; later calls are free.

    The first run downloads about 100 MB through Maven: ``progress`` hears what it is
    doing while it does it (Maven's own output is kept for the error message)."""
    target = lib_dir(version)
    if (target / ".complete").exists():
        return target
    mvn = shutil.which("mvn")
    if not mvn:
        raise KafkaLaunchError("Maven (mvn) is needed once to fetch the Kafka jars")
    staging = target.with_name(f"lib.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    argv = [
        mvn,
        "-B",
        # -q would hide the download lines progress counts: Maven's output goes to a buffer.
        *(["-q"] if quiet and progress is silent else []),
        "-f",
        str(POM),
        f"-Dkafka.version={version}",
        f"-Dlog4j2.version={LOG4J2_VERSION}",
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    progress(f"fetching Kafka {version} jars from Maven Central into {target.parent} ...")
    counter = DownloadCounter(progress, f"kafka {version} jars")
    output: list[str] = []
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as mvn_run:
        assert mvn_run.stdout is not None
        for line in mvn_run.stdout:
            output.append(line)
            counter.line(line)
        returncode = mvn_run.wait()
    if returncode != 0:
        raise KafkaLaunchError(f"mvn failed ({returncode}):\n{''.join(output[-200:])}")
    counter.done()
    (staging / ".complete").write_text(f"kafka {version}\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def new_cluster_id() -> str:
    """A Kafka ``Uuid`` string: url-safe base64 of 16 random bytes, no padding."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


@dataclass(frozen=True)
class NodePorts:
    node_id: int
    broker: int
    controller: int


@dataclass(frozen=True)
class KafkaCluster:
    """A cluster of ``nodes`` combined broker+controller JVMs under ``home``."""

    home: Path
    nodes: int
    base_port: int
    cluster_id: str
    version: str = KAFKA_VERSION
    secure: bool = False

    @classmethod
    def load_or_create(
        cls, home: Path, nodes: int, base_port: int, *, secure: bool = False
    ) -> KafkaCluster:
        """Reuse the cluster kept in ``home`` (same id and ports), or define a new one."""
        meta = home / "cluster.json"
        if meta.exists():
            saved = json.loads(meta.read_text())
            return cls(
                home,
                saved["nodes"],
                saved["base_port"],
                saved["cluster_id"],
                saved.get("version", KAFKA_VERSION),
                saved.get("secure", False),
            )
        home.mkdir(parents=True, exist_ok=True)
        cluster = cls(home, nodes, base_port, new_cluster_id(), secure=secure)
        meta.write_text(
            json.dumps(
                {
                    "nodes": nodes,
                    "base_port": base_port,
                    "cluster_id": cluster.cluster_id,
                    "version": cluster.version,
                    "secure": secure,
                }
            )
        )
        return cluster

    def ports(self) -> list[NodePorts]:
        return [
            NodePorts(i + 1, self.base_port + 2 * i, self.base_port + 2 * i + 1)
            for i in range(self.nodes)
        ]

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"127.0.0.1:{p.broker}" for p in self.ports())

    def node_dir(self, node_id: int) -> Path:
        return self.home / f"node-{node_id}"

    def log_file(self, node_id: int) -> Path:
        return self.node_dir(node_id) / "kafka.log"

    def pid_file(self, node_id: int) -> Path:
        return self.node_dir(node_id) / "kafka.pid"

    @property
    def secrets(self) -> Secrets:
        from vault.infra.kafka_secure import Secrets

        return Secrets(self.home / "secrets")

    def client_security(self) -> KafkaSecurity | None:
        """How the launcher itself talks to this cluster (admin, in the secure profile)."""
        return self.secrets.admin() if self.secure else None

    def running_pids(self) -> list[int]:
        return [pid for p in self.ports() if (pid := process.read_pid(self.pid_file(p.node_id)))]

    def properties(self, node: NodePorts) -> str:
        voters = ",".join(f"{p.node_id}@127.0.0.1:{p.controller}" for p in self.ports())
        replicas = self.nodes
        min_isr = 2 if self.nodes >= 3 else 1
        lines = {
            "process.roles": "broker,controller",
            "node.id": node.node_id,
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://127.0.0.1:{node.broker},CONTROLLER://127.0.0.1:{node.controller}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{node.broker}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": self.node_dir(node.node_id) / "data",
            "num.partitions": 3,
            "default.replication.factor": replicas,
            "min.insync.replicas": min_isr,
            "offsets.topic.replication.factor": replicas,
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": min_isr,
            "share.coordinator.state.topic.replication.factor": replicas,
            "share.coordinator.state.topic.min.isr": min_isr,
            "group.initial.rebalance.delay.ms": 0,
            "auto.create.topics.enable": "true",
            "unclean.leader.election.enable": "false",
            "log.cleaner.dedupe.buffer.size": 2097152,
            "num.network.threads": 2,
            "num.io.threads": 4,
            "background.threads": 4,
        }
        if self.secure:
            from vault.infra.kafka_secure import broker_properties

            lines.update(broker_properties(self, node, self.secrets))
        return "".join(f"{k}={v}\n" for k, v in lines.items())

    def _java(self, main: str, *args: str, heap: tuple[str, ...] = JVM_OPTS) -> list[str]:
        log_cfg = self.home / "log4j2.properties"
        return [
            java_binary(),
            *heap,
            f"-Dlog4j2.configurationFile={log_cfg}",
            "-cp",
            f"{lib_dir(self.version)}/*",
            main,
            *args,
        ]

    def start(self) -> None:
        """Format (first time only) and start every node not already running."""
        fetch_jars(self.version)
        (self.home / "log4j2.properties").write_text(LOG4J2_PROPERTIES)
        for node in self.ports():
            ndir = self.node_dir(node.node_id)
            ndir.mkdir(parents=True, exist_ok=True)
            props = ndir / "server.properties"
            props.write_text(self.properties(node))
            props.chmod(0o600)  # in the secure profile it holds the nodes' passwords
            if not (ndir / "data" / "meta.properties").exists():
                fmt = subprocess.run(
                    self._java(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        self.cluster_id,
                        "-c",
                        str(props),
                        "--ignore-formatted",
                        *self._format_extra(),
                        heap=("-Xmx256m", "-XX:+UseSerialGC"),
                    ),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if fmt.returncode != 0:
                    raise KafkaLaunchError(
                        f"storage format failed for node {node.node_id}:\n"
                        f"{fmt.stdout}\n{fmt.stderr}"
                    )
        for node in self.ports():
            if process.read_pid(self.pid_file(node.node_id)):
                continue
            props = self.node_dir(node.node_id) / "server.properties"
            process.spawn(
                self._java("kafka.Kafka", str(props)),
                log_file=self.log_file(node.node_id),
                pid_file=self.pid_file(node.node_id),
            )

    def _format_extra(self) -> list[str]:
        if not self.secure:
            return []
        from vault.infra.kafka_secure import format_args

        return format_args(self.secrets)

    def wait_ready(self, timeout_s: float = 90.0) -> float:
        """Block until metadata shows every broker; returns the seconds waited."""
        started = time.monotonic()
        deadline = started + timeout_s
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if len(self.running_pids()) < self.nodes:
                raise KafkaLaunchError(f"a Kafka node exited during start-up:\n{self.log_tails()}")
            if all(process.port_open("127.0.0.1", p.broker) for p in self.ports()):
                try:
                    count = asyncio.run(
                        broker_count(self.bootstrap_servers, security=self.client_security())
                    )
                except Exception as exc:  # any client error means "not yet"
                    last_error, count = repr(exc), 0
                if count >= self.nodes:
                    return time.monotonic() - started
            time.sleep(0.25)
        raise KafkaLaunchError(
            f"Kafka not ready after {timeout_s:.0f}s (last: {last_error}):\n{self.log_tails()}"
        )

    def stop(self, grace_s: float = 30.0) -> None:
        process.stop_pids(self.running_pids(), grace_s=grace_s)
        for node in self.ports():
            self.pid_file(node.node_id).unlink(missing_ok=True)

    def log_tails(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {self.log_file(p.node_id)}\n{process.tail(self.log_file(p.node_id), lines)}"
            for p in self.ports()
        )


async def broker_count(
    bootstrap_servers: str, timeout_s: float = 5.0, *, security: KafkaSecurity | None = None
) -> int:
    """How many brokers the cluster's metadata lists (asked over the Kafka protocol)."""
    from aiokafka.admin import AIOKafkaAdminClient

    from shared.kafka_security import PLAINTEXT, client_kwargs

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        request_timeout_ms=int(timeout_s * 1000),
        # The launcher's own check: never the caller's environment's principal.
        **client_kwargs(security or PLAINTEXT),
    )
    try:
        async with asyncio.timeout(timeout_s):
            await admin.start()
            info = await admin.describe_cluster()
        return len(info.get("brokers", []))
    finally:
        async with asyncio.timeout(timeout_s):
            await admin.close()
