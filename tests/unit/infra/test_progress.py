"""Long work says what it does while it does it: the first Maven fetch, `vault run`."""

from __future__ import annotations

from pathlib import Path

from vault.commands.run import PROCESSES, console_env
from vault.endpoints import CONSOLE, SERVICE_PORTS
from vault.infra.launcher import SERVICES, Endpoints
from vault.infra.progress import DownloadCounter

MAVEN = [
    "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.pom",
    "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.pom (4.1 kB at 20 kB/s)",
    "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.jar (6.4 MB at 2.1 MB/s)",
    "[INFO] Copying kafka_2.13-4.4.0.jar to /tmp/lib/kafka_2.13-4.4.0.jar",
]


def test_maven_downloads_are_counted_and_reported_as_they_come() -> None:
    said: list[str] = []
    counter = DownloadCounter(said.append, "kafka jars", every_s=0.0)
    for line in MAVEN:
        counter.line(line)
    counter.done()
    assert (counter.files, counter.jars) == (2, 1)
    assert said[1] == "kafka jars: 2 files downloaded (1 jars), last kafka_2.13-4.4.0.jar (6.4 MB)"
    assert said[-1] == "kafka jars: done, 2 files downloaded (1 jars)"


def test_reports_are_at_most_once_per_interval() -> None:
    said: list[str] = []
    counter = DownloadCounter(said.append, "kafka jars", every_s=3600)
    for line in MAVEN * 10:
        counter.line(line)
    assert len(said) == 1


def test_vault_run_starts_the_console_last_pointed_at_each_service(tmp_path: Path) -> None:
    assert (*SERVICES, CONSOLE) == PROCESSES
    endpoints = Endpoints("127.0.0.1:9092", None, {}, kafka_launched=True, postgres_launched=True)
    ports = {name: 20000 + i for i, name in enumerate(PROCESSES)}
    env = console_env(endpoints, tmp_path, ports)
    assert env["VAULT_HTTP_PORT"] == str(ports[CONSOLE])
    assert env["VAULT_SOURCING_URL"] == f"http://127.0.0.1:{ports['sourcing']}"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:9092"
    assert "DATABASE_URL" not in env
    assert env["VAULT_CONSOLE_API_KEY"].startswith("vlt_")
    assert SERVICE_PORTS[CONSOLE] == 8105
