"""``vault infra up|down|status|fetch|principal``: the local Kafka and PostgreSQL."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Callable

from vault.endpoints import SERVICE_PORTS
from vault.infra import principals, progress
from vault.infra.acls import CONSOLE, INTAKE_PREFIX, OPS, SERVICES, intake_principal
from vault.infra.kafka import KAFKA_VERSION, KafkaCluster, KafkaLaunchError, fetch_jars
from vault.infra.kafka_admin import KafkaAdminError, tool_dir
from vault.infra.launcher import DEFAULT_KAFKA_PORT, DEFAULT_PG_PORT, Launcher, LauncherError
from vault.infra.postgres import PostgresLaunchError
from vault.infra.prometheus import PrometheusLaunchError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    infra = sub.add_parser("infra", help="start, stop or inspect the local Kafka and PostgreSQL")
    verbs = infra.add_subparsers(dest="verb", required=True)
    up = verbs.add_parser("up", help="start Kafka (KRaft) and PostgreSQL, wait until ready")
    up.add_argument(
        "--brokers",
        type=int,
        choices=(1, 3),
        default=1,
        help="1 broker, or a 3-node cluster (RF 3, min.insync.replicas=2)",
    )
    up.add_argument(
        "--kafka-port",
        type=int,
        default=DEFAULT_KAFKA_PORT,
        help="first broker port; node n listens on port+2(n-1), its controller one above",
    )
    up.add_argument("--pg-port", type=int, default=DEFAULT_PG_PORT)
    up.add_argument(
        "--secure",
        action="store_true",
        help="SASL/SCRAM and ACLs: one principal per service, nothing allowed by default",
    )
    up.add_argument(
        "--with-prometheus",
        action="store_true",
        help="also start Prometheus (the machine's binary, when present) scraping every "
        "process at the ports `vault run` uses, with the alert rules of deploy/prometheus",
    )
    up.set_defaults(handler=_up)
    verbs.add_parser("down", help="stop everything `up` started (data is kept)").set_defaults(
        handler=_down
    )
    verbs.add_parser("status", help="what runs, where, and where its logs are").set_defaults(
        handler=_status
    )
    verbs.add_parser(
        "fetch", help=f"fetch the Kafka {KAFKA_VERSION} jars from Maven Central into the cache"
    ).set_defaults(handler=_fetch)
    _register_principal(verbs)


def _register_principal(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    principal = verbs.add_parser(
        "principal", help="Kafka principals of the secure cluster (`up --secure`)"
    )
    actions = principal.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="a manufacturer's intake principal: writes the intake, reads nothing"
    )
    add.add_argument("--manufacturer", required=True)
    add.set_defaults(handler=_principal_add)
    for name, handler, text in (
        ("rotate", _principal_rotate, "a new password; the old one stops working now"),
        ("remove", _principal_remove, "delete an intake principal and its ACLs"),
    ):
        verb = actions.add_parser(name, help=text)
        which = verb.add_mutually_exclusive_group(required=True)
        which.add_argument("--manufacturer")
        which.add_argument("--name", help="a principal's name (intake-M, a service, vault-ops)")
        verb.set_defaults(handler=handler)
    actions.add_parser("list", help="every principal and its ACLs (no passwords)").set_defaults(
        handler=_principal_list
    )
    env = actions.add_parser(
        "env",
        help=f"export lines for one of the launcher's own principals (default {OPS})",
    )
    env.add_argument("name", nargs="?", default=OPS, choices=(*SERVICES, OPS, CONSOLE))
    env.set_defaults(handler=_principal_env)


def _up(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    launcher = Launcher()
    say = progress.to_stream(sys.stdout)
    try:
        endpoints, already = launcher.up(
            brokers=args.brokers,
            kafka_port=args.kafka_port,
            pg_port=args.pg_port,
            secure=True if args.secure else None,
            progress=say,
        )
        if args.with_prometheus:
            launcher.start_prometheus(SERVICE_PORTS, say)
    except (
        KafkaLaunchError,
        KafkaAdminError,
        PostgresLaunchError,
        LauncherError,
        PrometheusLaunchError,
    ) as exc:
        print(f"vault infra up failed: {exc}", file=sys.stderr)
        return 1
    if already:
        print(f"already running: kafka {endpoints.bootstrap_servers}; nothing started")
    else:
        print(
            f"ready in {time.monotonic() - t0:.1f}s "
            + " ".join(f"{k}={v}s" for k, v in endpoints.timings_s.items())
        )
    print(f"KAFKA_BOOTSTRAP_SERVERS={endpoints.bootstrap_servers}")
    if endpoints.secure:
        print(
            "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT (SCRAM-SHA-512, ACLs); principals' passwords"
            f" in {endpoints.kafka_secrets}; `vault infra principal env` prints ops' variables"
        )
    for service, url in endpoints.database_urls.items():
        print(f"{service.upper()}_DATABASE_URL={url}")
    return 0


def _down(_: argparse.Namespace) -> int:
    stopped = Launcher().down()
    print("stopped: " + ", ".join(stopped) if stopped else "nothing was running")
    return 0


def _status(_: argparse.Namespace) -> int:
    print(json.dumps(Launcher().status(), indent=2))
    return 0


def _fetch(_: argparse.Namespace) -> int:
    # Progress on stderr: the first fetch takes a while, and stdout stays the two paths.
    say = progress.to_stream()
    try:
        print(fetch_jars(progress=say))
        # The secure profile's admin tool, built now so that `up --secure` does not wait for javac.
        print(tool_dir(progress=say))
    except KafkaLaunchError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _named(args: argparse.Namespace) -> str:
    return intake_principal(args.manufacturer) if args.manufacturer else str(args.name)


def _print_issued(issued: principals.Issued, what: str) -> None:
    print(f"{what} Kafka principal {issued.principal}; its password, shown this once:")
    print(f"KAFKA_SASL_USERNAME={issued.principal}")
    print(f"KAFKA_SASL_PASSWORD={issued.password}")
    if issued.principal.startswith(INTAKE_PREFIX):
        print(
            "It may write vault.demand.intake and read nothing: answers come from demand's"
            " HTTP API."
        )
    else:
        print("Restart what runs as this principal (`vault stop` and `vault run`).")


def _on_cluster(action: Callable[[KafkaCluster], int]) -> int:
    try:
        return action(Launcher().secure_cluster())
    except (LauncherError, principals.PrincipalError, KafkaAdminError, KeyError, ValueError) as exc:
        print(f"vault infra principal: {exc}", file=sys.stderr)
        return 1


def _principal_add(args: argparse.Namespace) -> int:
    def act(cluster: KafkaCluster) -> int:
        _print_issued(principals.add_intake(cluster, args.manufacturer), "added")
        return 0

    return _on_cluster(act)


def _principal_rotate(args: argparse.Namespace) -> int:
    def act(cluster: KafkaCluster) -> int:
        _print_issued(principals.rotate(cluster, _named(args)), "rotated")
        return 0

    return _on_cluster(act)


def _principal_remove(args: argparse.Namespace) -> int:
    def act(cluster: KafkaCluster) -> int:
        principal = _named(args)
        principals.remove(cluster, principal)
        print(f"removed Kafka principal {principal}: its credential and every ACL it had")
        return 0

    return _on_cluster(act)


def _principal_list(_: argparse.Namespace) -> int:
    def act(cluster: KafkaCluster) -> int:
        print(json.dumps(principals.listing(cluster), indent=2))
        return 0

    return _on_cluster(act)


def _principal_env(args: argparse.Namespace) -> int:
    def act(cluster: KafkaCluster) -> int:
        # For the `vault` command itself (and a shell): eval "$(vault infra principal env)".
        print(f"export KAFKA_BOOTSTRAP_SERVERS={shlex.quote(cluster.bootstrap_servers)}")
        for key, value in cluster.secrets.security(args.name).as_env().items():
            print(f"export {key}={shlex.quote(value)}")
        return 0

    return _on_cluster(act)
