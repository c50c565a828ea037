"""``vault run`` / ``vault stop``: the infrastructure, the four services and the console.

Each service is its own process with its own consumer group and database, its
JSON log in ``<state>/logs/<service>.log``; the console (``services.console``) has
neither and reads the services over HTTP. ``vault run`` says each step as it goes,
waits until every process is ready, then stays in the foreground until Ctrl-C (or
SIGTERM), and stops them all; ``vault run --detach`` returns and ``vault stop``
stops them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

from vault.credentials import deployment_keys, keys_folder
from vault.endpoints import CONSOLE, SERVICE_PORTS
from vault.infra import process
from vault.infra.acls import OPS
from vault.infra.kafka import KafkaLaunchError
from vault.infra.launcher import SERVICES, Endpoints, Launcher
from vault.infra.postgres import PostgresLaunchError
from vault.infra.progress import Progress, silent, to_stream
from vault.infra.prometheus import PrometheusLaunchError

READY_TIMEOUT_S = 90.0
# What `vault run` starts, in this order: the services, then the console that reads them.
PROCESSES = (*SERVICES, CONSOLE)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run", help="start Kafka, PostgreSQL, the five services and the console; Ctrl-C stops all"
    )
    run.add_argument(
        "--detach", action="store_true", help="return once ready; stop with `vault stop`"
    )
    run.add_argument(
        "--with-prometheus",
        action="store_true",
        help="also start Prometheus (when its binary is present) scraping every process",
    )
    run.set_defaults(handler=_run)
    stop = sub.add_parser(
        "stop", help="stop the services (and, with --infra, Kafka and PostgreSQL)"
    )
    stop.add_argument("--infra", action="store_true", help="also stop Kafka and PostgreSQL")
    stop.set_defaults(handler=_stop)


def admin_token(state: Path) -> str:
    """The first program admin's API key, made once per state folder (``vault.credentials``)."""
    return deployment_keys(keys_folder(state)).admin


def _inherited() -> dict[str, str]:
    return {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    }


def console_env(endpoints: Endpoints, state: Path, ports: Mapping[str, int]) -> dict[str, str]:
    """The console reads each service where this run put it, with its own ``ops_read`` key,
    and the dead letters as the ``console`` Kafka principal (read-only); a program admin's
    replay there is published as ``vault-ops``, as ``vault dlq replay`` is."""
    env = _inherited()
    env.update(endpoints.kafka_security(CONSOLE).as_env())
    replayer = endpoints.kafka_security(OPS)
    env["VAULT_CONSOLE_REPLAY_KAFKA_USERNAME"] = replayer.username or ""
    env["VAULT_CONSOLE_REPLAY_KAFKA_PASSWORD"] = replayer.password or ""
    env.update(
        {
            "KAFKA_BOOTSTRAP_SERVERS": endpoints.bootstrap_servers,
            "VAULT_HTTP_PORT": str(ports[CONSOLE]),
            "VAULT_LOG_FORMAT": "json",
            "VAULT_CONSOLE_API_KEY": deployment_keys(keys_folder(state)).console,
            **{f"VAULT_{s.upper()}_URL": f"http://127.0.0.1:{ports[s]}" for s in SERVICES},
        }
    )
    return env


def service_env(endpoints: Endpoints, service: str, state: Path, port: int) -> dict[str, str]:
    env = _inherited()
    env.update(endpoints.service_env(service))
    env.update(
        {
            "VAULT_HTTP_PORT": str(port),
            "VAULT_LOG_FORMAT": "json",
            # The deployment's first keys, as hashes: access issues them, every service
            # accepts them from start-up (shared.access.bootstrap).
            "VAULT_BOOTSTRAP_KEYS": deployment_keys(keys_folder(state)).bootstrap_env(),
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
    progress: Progress = silent,
) -> None:
    for service in PROCESSES:
        if process.read_pid(pid_file(state, service)):
            progress(f"{service}: already running")
            continue
        env = (
            console_env(endpoints, state, ports)
            if service == CONSOLE
            else service_env(endpoints, service, state, ports[service])
        )
        progress(f"{service}: starting on port {ports[service]}, log {log_file(state, service)}")
        process.spawn(
            [sys.executable, "-m", f"services.{service}"],
            log_file=log_file(state, service),
            pid_file=pid_file(state, service),
            env={**env, **(extra_env or {})},
        )


def wait_ready(
    state: Path,
    ports: Mapping[str, int] = SERVICE_PORTS,
    timeout_s: float = READY_TIMEOUT_S,
    on_ready: Callable[[str, float], None] | None = None,
) -> dict[str, float]:
    started = time.monotonic()
    ready: dict[str, float] = {}
    while len(ready) < len(PROCESSES):
        for service in PROCESSES:
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
                        if on_ready is not None:
                            on_ready(service, ready[service])
            except OSError:
                pass
        if time.monotonic() - started > timeout_s:
            waiting = sorted(set(PROCESSES) - set(ready))
            logs = "\n".join(f"--- {s}\n{process.tail(log_file(state, s), 20)}" for s in waiting)
            raise RuntimeError(f"not ready after {timeout_s:.0f}s: {waiting}\n{logs}")
        time.sleep(0.3)
    return ready


def stop_services(state: Path) -> list[str]:
    pids = {s: pid for s in PROCESSES if (pid := process.read_pid(pid_file(state, s)))}
    process.stop_pids(list(pids.values()), grace_s=25)
    for service in PROCESSES:
        pid_file(state, service).unlink(missing_ok=True)
    return sorted(pids)


def _run(args: argparse.Namespace) -> int:
    launcher = Launcher()
    say = to_stream(sys.stdout)
    t0 = time.monotonic()
    try:
        endpoints, _ = launcher.up(progress=say)
    except (KafkaLaunchError, PostgresLaunchError, RuntimeError) as exc:
        print(f"infrastructure did not start: {exc}", file=sys.stderr)
        return 1
    say(
        f"infrastructure ready in {time.monotonic() - t0:.1f}s: kafka {endpoints.bootstrap_servers}"
    )
    start_services(launcher.state, endpoints, progress=say)
    say(f"waiting for {', '.join(PROCESSES)} to be ready ...")
    try:
        ready = wait_ready(
            launcher.state, on_ready=lambda name, s: say(f"{name}: ready after {s}s")
        )
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        stop_services(launcher.state)
        return 1
    if args.with_prometheus:
        try:
            launcher.start_prometheus(SERVICE_PORTS, say)
        except PrometheusLaunchError as exc:
            print(f"prometheus did not start: {exc}", file=sys.stderr)
    print(f"all services ready {time.monotonic() - t0:.1f}s after start")
    for service in PROCESSES:
        print(
            f"  {service:<15} http://127.0.0.1:{SERVICE_PORTS[service]}  log {log_file(launcher.state, service)}"
            f"  (ready after {ready[service]}s)"
        )
    print(f"  ops console: http://127.0.0.1:{SERVICE_PORTS[CONSOLE]}/pipeline")
    print(
        f"  program-admin API key in {keys_folder(launcher.state) / 'admin.key'}"
        " (the vault command uses it unless VAULT_API_KEY is set)"
    )
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
