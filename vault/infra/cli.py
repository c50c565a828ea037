"""``vault infra up|down|status|fetch``: the local Kafka and PostgreSQL."""

from __future__ import annotations

import argparse
import json
import sys
import time

from vault.infra.kafka import KAFKA_VERSION, KafkaLaunchError, fetch_jars
from vault.infra.launcher import DEFAULT_KAFKA_PORT, DEFAULT_PG_PORT, Launcher, LauncherError
from vault.infra.postgres import PostgresLaunchError


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


def _up(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    try:
        endpoints, already = Launcher().up(
            brokers=args.brokers, kafka_port=args.kafka_port, pg_port=args.pg_port
        )
    except (KafkaLaunchError, PostgresLaunchError, LauncherError) as exc:
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
    try:
        print(fetch_jars())
    except KafkaLaunchError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
