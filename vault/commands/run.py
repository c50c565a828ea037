"""``vault run`` / ``vault stop``: the infrastructure and the four services as processes.

Each service is its own process with its own consumer group and database, its
JSON log in ``<state>/logs/<service>.log``. ``vault run`` waits until every
service is ready, then stays in the foreground until Ctrl-C (or SIGTERM), and
stops them all; ``vault run --detach`` returns and ``vault stop`` stops them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from vault.endpoints import SERVICE_PORTS
from vault.infra import process
from vault.infra.kafka import KafkaLaunchError
from vault.infra.launcher import SERVICES, Endpoints, Launcher
from vault.infra.postgres import PostgresLaunchError

READY_TIMEOUT_S = 90.0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run", help="start Kafka, PostgreSQL and the four services; Ctrl-C stops all"
    )
    run.add_argument(
        "--detach", action="store_true", help="return once ready; stop with `vault stop`"
    )
    run.set_defaults(handler=_run)
    stop = sub.add_parser(
        "stop", help="stop the services (and, with --infra, Kafka and PostgreSQL)"
    )
    stop.add_argument("--infra", action="store_true", help="also stop Kafka and PostgreSQL")
    stop.set_defaults(handler=_stop)


def admin_token(state: Path) -> str:
    """The gateway's admin token: ``VAULT_ADMIN_TOKEN``, else one generated once per state folder."""
    explicit = os.environ.get("VAULT_ADMIN_TOKEN")
    if explicit:
        return explicit
    path = state / "admin.token"
    if not path.exists():
        state.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def service_env(endpoints: Endpoints, service: str, state: Path, port: int) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    }
    env.update(endpoints.service_env(service))
    env.update(
        {
            "VAULT_HTTP_PORT": str(port),
            "VAULT_LOG_FORMAT": "json",
            "VAULT_ADMIN_TOKEN": admin_token(state),
            "VAULT_TOPIC_REPLICAS": str(min(endpoints.brokers, 3)),
        }
    )
    return env


def pid_file(state: Path, service: str) -> Path:
    return state / "services" / f"{service}.pid"


def log_file(state: Path, service: str) -> Path:
    return state / "logs" / f"{service}.log"


def start_services(
    state: Path,
    endpoints: Endpoints,
    ports: Mapping[str, int] = SERVICE_PORTS,
    extra_env: Mapping[str, str] | None = None,
) -> None:
    for service in SERVICES:
        if process.read_pid(pid_file(state, service)):
            continue
        process.spawn(
            [sys.executable, "-m", f"services.{service}"],
            log_file=log_file(state, service),
            pid_file=pid_file(state, service),
            env={**service_env(endpoints, service, state, ports[service]), **(extra_env or {})},
        )


def wait_ready(
    state: Path, ports: Mapping[str, int] = SERVICE_PORTS, timeout_s: float = READY_TIMEOUT_S
) -> dict[str, float]:
    started = time.monotonic()
    ready: dict[str, float] = {}
    while len(ready) < len(SERVICES):
        for service in SERVICES:
            if service in ready:
                continue
            if not process.read_pid(pid_file(state, service)):
                raise RuntimeError(
                    f"{service} exited; its log:\n{process.tail(log_file(state, service))}"
                )
            try:
                url = f"http://127.0.0.1:{ports[service]}/health/ready"
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        ready[service] = round(time.monotonic() - started, 2)
            except OSError:
                pass
        if time.monotonic() - started > timeout_s:
            waiting = sorted(set(SERVICES) - set(ready))
            logs = "\n".join(f"--- {s}\n{process.tail(log_file(state, s), 20)}" for s in waiting)
            raise RuntimeError(f"not ready after {timeout_s:.0f}s: {waiting}\n{logs}")
        time.sleep(0.3)
    return ready


def stop_services(state: Path) -> list[str]:
    pids = {s: pid for s in SERVICES if (pid := process.read_pid(pid_file(state, s)))}
    process.stop_pids(list(pids.values()), grace_s=25)
    for service in SERVICES:
        pid_file(state, service).unlink(missing_ok=True)
    return sorted(pids)


def _run(args: argparse.Namespace) -> int:
    launcher = Launcher()
    t0 = time.monotonic()
    try:
        endpoints, _ = launcher.up()
    except (KafkaLaunchError, PostgresLaunchError, RuntimeError) as exc:
        print(f"infrastructure did not start: {exc}", file=sys.stderr)
        return 1
    print(
        f"infrastructure ready in {time.monotonic() - t0:.1f}s: kafka {endpoints.bootstrap_servers}"
    )
    start_services(launcher.state, endpoints)
    try:
        ready = wait_ready(launcher.state)
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        stop_services(launcher.state)
        return 1
    print(f"all services ready {time.monotonic() - t0:.1f}s after start")
    for service in SERVICES:
        print(
            f"  {service:<15} http://127.0.0.1:{SERVICE_PORTS[service]}  log {log_file(launcher.state, service)}"
            f"  (ready after {ready[service]}s)"
        )
    print(f"  gateway admin token in {launcher.state / 'admin.token'} (or VAULT_ADMIN_TOKEN)")
    if args.detach:
        print(
            "running in the background; `vault stop` stops the services, `vault stop --infra` everything"
        )
        return 0
    print("Ctrl-C stops everything")
    stopping = False

    def _on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    while not stopping:
        time.sleep(0.5)
    print("stopping services ...")
    stop_services(launcher.state)
    print("stopping infrastructure ...")
    launcher.down()
    return 0


def _stop(args: argparse.Namespace) -> int:
    launcher = Launcher()
    stopped = stop_services(launcher.state)
    print("stopped services: " + (", ".join(stopped) if stopped else "none running"))
    if args.infra:
        infra = launcher.down()
        print("stopped: " + (", ".join(infra) if infra else "no infrastructure running"))
    return 0
