"""End to end: orders/s, latency and CPU per order of a running Vault, driven from outside.

A benchmark, not a test. It uses only what Vault's users use: the gateway's admin
and trader APIs, inventory's warehouse API, the Kafka intake topic, and the
outcomes and holdings topics. Each run registers its own trader (rank 1 in
lithium's market, several API keys), a warehouse and one US offer big enough for
every order, sends warm-up orders until they are booked, then publishes N
``demand.submitted`` of 1 t lithium to ``vault.demand.intake``, closed loop (at most
``--in-flight`` orders unbooked) or open loop (``--rate``). A simulated trader lists
its active legs (``GET /v1/legs``, long-polling with ``--legs-wait`` when the gateway
offers it) and fills each once, one request per leg or in batches. An order is done
when its ``holdings.updated`` (a receipt) arrives; latency is that moment minus the
moment its demand was published. CPU is read from /proc for Kafka, PostgreSQL (all its
processes), each service and this driver. ``--raw`` also measures the raw bound
(``benchmarks/e2e_raw.py``) on the same Kafka and PostgreSQL. ``--outage SERVICE``
SIGKILLs a service during each Vault run, restarts it after ``--outage-for`` seconds and
reports how long the backlog took to drain after its return (``benchmarks/e2e_outage.py``).

Run, with the system up (``vault run --detach``):

    .venv/bin/python -m benchmarks.e2e_bench --orders 1000 --fills single --runs 3 --raw
    .venv/bin/python -m benchmarks.e2e_bench --orders 300 --rate 5 --fills batch --json
    .venv/bin/python -m benchmarks.e2e_bench --orders 12000 --rate 100 --outage sourcing

Finds the system as the ``vault`` command does: the state folder (``VAULT_STATE_DIR``),
``KAFKA_BOOTSTRAP_SERVERS``, ``VAULT_<SERVICE>_URL``, ``VAULT_API_KEY`` (a program admin's;
else ``vault.credentials``' profile or ``<state>/access/admin.key``); for the raw bound a database URL that may create databases
(``VAULT_BENCH_DATABASE_URL``, else the launcher's). Pids of a system the launcher did
not start: ``VAULT_BENCH_KAFKA_PIDS``, ``VAULT_BENCH_POSTGRES_PID``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from benchmarks import e2e_outage as outages
from benchmarks import e2e_procs as procs
from benchmarks import e2e_raw as raw
from benchmarks.e2e_orders import (
    MINERAL,
    BenchError,
    Listener,
    Pace,
    Tracker,
    demand_producer,
    describe_topics,
    publish_demands,
)
from benchmarks.e2e_trader import (
    Doors,
    TraderClient,
    TraderDesk,
    bench_world,
    gateway_shape,
    trading,
)
from vault.credentials import NoCredentials, api_key
from vault.endpoints import NotRunning, bootstrap_servers, service_url
from vault.infra.launcher import Launcher
from vault.infra.paths import state_dir

# Vault's public topics (shared/topics.py): where demand goes in and answers come out.
INTAKE = "vault.demand.intake"
OUTCOMES = "vault.demand.outcomes"
HOLDINGS = "vault.inventory.holdings"
VAULT_PREFIX = "vault."
DLQ_SUFFIX = ".dlq"
PROCESS_NAMES = (*procs.SERVICES, "kafka", "postgres", "bench")


# ---- where the system is ----


@dataclass(frozen=True)
class Targets:
    state: Path
    bootstrap: str
    gateway: str
    inventory: str
    admin_token: str
    admin_database_url: str | None

    @property
    def doors(self) -> Doors:
        return Doors(self.gateway, self.inventory, self.admin_token)


def find_targets() -> Targets:
    state = state_dir()
    running = Launcher(state=state).running()
    try:
        # VAULT_API_KEY, the credentials file, or the launcher's program-admin key.
        token = api_key(state)
    except NoCredentials as exc:
        raise BenchError(str(exc)) from None
    try:
        bootstrap = bootstrap_servers()
    except NotRunning as exc:
        raise BenchError(str(exc)) from None
    return Targets(
        state=state,
        bootstrap=bootstrap,
        gateway=service_url("trader_gateway"),
        inventory=service_url("inventory"),
        admin_token=token,
        admin_database_url=os.environ.get("VAULT_BENCH_DATABASE_URL")
        or (running.admin_database_url if running else None),
    )


def database_port(url: str | None) -> int | None:
    return urlsplit(url).port if url else None


def vault_processes(targets: Targets) -> list[procs.ProcessGroup]:
    groups = [
        procs.ProcessGroup(name, (pid,))
        for name, pid in procs.service_pids(targets.state).items()
        if pid is not None
    ]
    return [*groups, *infrastructure_processes(targets)]


def infrastructure_processes(targets: Targets) -> list[procs.ProcessGroup]:
    postmaster = procs.postmaster_pids(targets.state, database_port(targets.admin_database_url))
    return [
        procs.ProcessGroup("kafka", procs.kafka_pids(targets.state)),
        procs.ProcessGroup("postgres", postmaster, with_children=True),
        procs.ProcessGroup("bench", (os.getpid(),)),
    ]


# ---- one measured run ----


@dataclass(frozen=True)
class Options:
    orders: int
    pace: Pace
    batch: bool
    concurrency: int
    poll_s: float
    legs_wait_s: float | None
    keys: int
    warmup: int
    timeout_s: float
    outage: outages.Outage | None = None


@dataclass
class Figures:
    system: str
    orders: int
    completed: int
    seconds: float
    orders_per_s: float
    latency_ms: dict[str, float]
    cpu_ms_per_order: dict[str, float]
    messages_per_order: float
    extra: dict[str, float] = field(default_factory=dict)

    def flat(self) -> dict[str, float]:
        return {
            "orders": self.orders,
            "completed": self.completed,
            "seconds": self.seconds,
            "orders_per_s": self.orders_per_s,
            **{f"latency_ms.{k}": v for k, v in self.latency_ms.items()},
            **{f"cpu_ms_per_order.{k}": v for k, v in self.cpu_ms_per_order.items()},
            "messages_per_order": self.messages_per_order,
            **self.extra,
        }


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest rank."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency_ms(latencies_s: Sequence[float]) -> dict[str, float]:
    ms = [x * 1000 for x in latencies_s]
    return {
        "p50": percentile(ms, 0.50),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "max": ms[-1] if ms else math.nan,
    }


@dataclass(frozen=True)
class Stage:
    """Where a run sends orders and hears back, and whose CPU it counts."""

    system: str
    intake: str
    listener: Listener
    producer: Any
    processes: list[procs.ProcessGroup]
    counts_topic: Callable[[str], bool]
    check: Callable[[], None]  # raises if a helper (trader desk, raw hop) has failed


def request_ids(count: int, label: str) -> list[str]:
    return [f"{label}-{i:06d}" for i in range(count)]


async def send_and_wait(
    stage: Stage, manufacturer_id: str, ids: Sequence[str], pace: Pace, timeout_s: float
) -> Tracker:
    tracker = Tracker(manufacturer_id, ids)
    stage.listener.tracker = tracker
    publishing = asyncio.create_task(publish_demands(stage.producer, stage.intake, tracker, pace))
    deadline = time.monotonic() + timeout_s
    try:
        while not tracker.done.is_set() and time.monotonic() < deadline:
            stage.check()
            if publishing.done() and publishing.exception():
                raise BenchError(f"publishing failed: {publishing.exception()!r}")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await tracker.done.wait()
    finally:
        publishing.cancel()
        await asyncio.gather(publishing, return_exceptions=True)
    return tracker


async def warm_up(stage: Stage, manufacturer_id: str, count: int) -> None:
    if count <= 0:
        return
    ids = request_ids(count, f"warm-{uuid.uuid4().hex[:6]}")
    tracker = await send_and_wait(stage, manufacturer_id, ids, Pace(None, count), 120)
    if tracker.completed < count:
        raise BenchError(
            f"warm-up: {tracker.completed} of {count} orders booked within 120 s"
            f" (rejected: {tracker.rejected or 'none'}); see the services' logs"
        )


async def measure(
    stage: Stage, manufacturer_id: str, options: Options, state: Path | None = None
) -> Figures:
    await warm_up(stage, manufacturer_id, options.warmup)
    ids = request_ids(options.orders, f"load-{uuid.uuid4().hex[:6]}")
    messages_before = await stage.listener.messages_on(stage.counts_topic)
    cpu_before = procs.snapshot(stage.processes)
    times = outages.OutageTimes()
    outage = (
        asyncio.create_task(outages.cause(options.outage, state, times))
        if options.outage and state
        else None
    )
    try:
        tracker = await send_and_wait(stage, manufacturer_id, ids, options.pace, options.timeout_s)
    finally:
        if outage is not None:
            if not outage.done():
                outage.cancel()
            await asyncio.gather(outage, return_exceptions=True)
    cpu_after = procs.snapshot(stage.processes)
    messages_after = await stage.listener.messages_on(stage.counts_topic)
    done = max(tracker.completed, 1)
    cpu = procs.cpu_ms(cpu_before, cpu_after)
    per_order = {name: cpu.get(name, math.nan) / done for name in PROCESS_NAMES}
    if options.outage:  # the killed process's CPU is lost with it; the restarted one is not counted
        per_order[options.outage.service] = math.nan
        per_order["total"] = math.nan
    else:
        per_order["total"] = sum(cpu.values()) / done
    span = tracker.span_s()
    return Figures(
        system=stage.system,
        orders=options.orders,
        completed=tracker.completed,
        seconds=span,
        orders_per_s=tracker.completed / span if span else math.nan,
        latency_ms=latency_ms(tracker.latencies_s()),
        cpu_ms_per_order=per_order,
        messages_per_order=(messages_after - messages_before) / done,
        extra=outages.figures(tracker, times) if options.outage else {},
    )


def is_vault_topic(topic: str) -> bool:
    return topic.startswith(VAULT_PREFIX) and not topic.endswith(DLQ_SUFFIX)


async def vault_run(targets: Targets, options: Options) -> Figures:
    limits = httpx.Limits(max_connections=options.concurrency + 8)
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=30, limits=limits))
        shape = await gateway_shape(http, targets.doors, options.legs_wait_s is not None)
        listener = await stack.enter_async_context(Listener(targets.bootstrap, OUTCOMES, HOLDINGS))
        producer = await stack.enter_async_context(demand_producer(targets.bootstrap))
        quantity = options.orders + options.warmup + 10
        world = await stack.enter_async_context(
            bench_world(http, targets.doors, keys=options.keys, quantity=quantity)
        )
        client = TraderClient(http, targets.gateway, world.keys)
        desk = TraderDesk(
            client,
            shape,
            batch=options.batch,
            concurrency=options.concurrency,
            poll_s=options.poll_s,
            legs_wait_s=options.legs_wait_s,
        )
        await stack.enter_async_context(trading(desk))
        stage = Stage(
            "vault",
            INTAKE,
            listener,
            producer,
            vault_processes(targets),
            is_vault_topic,
            desk.check,
        )
        figures = await measure(stage, world.manufacturer_id, options, targets.state)
    figures.system = f"vault-{'batch' if options.batch else 'single'}"
    figures.extra |= {
        "gateway_requests_per_order": client.requests / max(1, figures.completed),
        "rate_limited": client.rate_limited,
        "fills_refused": desk.counts.fills_refused,
    }
    if desk.counts.fills_refused:
        print(f"note: fills refused, last: {desk.counts.last_refusal}", file=sys.stderr)
    return figures


async def topic_layout(bootstrap: str, topic: str) -> tuple[int, int]:
    """(partitions, replicas) of a Vault topic, so the raw chain's topics match."""
    [described] = await describe_topics(bootstrap, [topic])
    partitions = described["partitions"]
    return len(partitions), len(partitions[0]["replicas"])


async def raw_run(targets: Targets, options: Options) -> Figures:
    if not targets.admin_database_url:
        raise BenchError("the raw bound needs VAULT_BENCH_DATABASE_URL (or the launcher's state)")
    partitions, replicas = await topic_layout(targets.bootstrap, INTAKE)
    async with contextlib.AsyncExitStack() as stack:
        chain = await stack.enter_async_context(
            raw.raw_chain(
                targets.bootstrap,
                targets.admin_database_url,
                partitions=partitions,
                replicas=replicas,
            )
        )
        listener = await stack.enter_async_context(
            Listener(targets.bootstrap, chain.topic("outcomes"), chain.topic("holdings"))
        )
        producer = await stack.enter_async_context(demand_producer(targets.bootstrap))
        hops = [procs.ProcessGroup(role, (pid,)) for role, pid in chain.pids.items()]
        stage = Stage(
            "raw",
            chain.topic("intake"),
            listener,
            producer,
            [*hops, *infrastructure_processes(targets)],
            lambda topic: topic.startswith(chain.prefix),
            chain.check,
        )
        return await measure(stage, f"bench-raw-{uuid.uuid4().hex[:10]}", options)


# ---- runs, medians, report ----


def medians(runs: Sequence[Figures]) -> dict[str, float]:
    keys = dict.fromkeys(k for run in runs for k in run.flat())
    return {k: statistics.median(run.flat().get(k, math.nan) for run in runs) for k in keys}


ROWS = (
    ("orders booked", "completed", "{:.0f}"),
    ("orders/s sustained", "orders_per_s", "{:.1f}"),
    ("first publish to last receipt, s", "seconds", "{:.1f}"),
    ("latency p50, ms", "latency_ms.p50", "{:.0f}"),
    ("latency p95, ms", "latency_ms.p95", "{:.0f}"),
    ("latency p99, ms", "latency_ms.p99", "{:.0f}"),
    ("latency max, ms", "latency_ms.max", "{:.0f}"),
    *((f"cpu ms/order {n}", f"cpu_ms_per_order.{n}", "{:.1f}") for n in PROCESS_NAMES),
    ("cpu ms/order total", "cpu_ms_per_order.total", "{:.1f}"),
    ("kafka messages/order", "messages_per_order", "{:.1f}"),
    ("gateway requests/order", "gateway_requests_per_order", "{:.2f}"),
    ("429 answers", "rate_limited", "{:.0f}"),
    ("fills refused", "fills_refused", "{:.0f}"),
    ("outage, s (kill to ready)", "outage_s", "{:.1f}"),
    ("orders published during it", "backlog_orders", "{:.0f}"),
    ("catch-up after its return, s", "catch_up_s", "{:.1f}"),
)


def table(columns: Mapping[str, Mapping[str, float]]) -> str:
    names = list(columns)
    lines = [f"{'':34}" + "".join(f"{n:>16}" for n in names)]
    for label, key, fmt in ROWS:
        cells = [columns[n].get(key) for n in names]
        if all(c is None for c in cells):
            continue
        text = ["-" if c is None or math.isnan(c) else fmt.format(c) for c in cells]
        lines.append(f"{label:34}" + "".join(f"{t:>16}" for t in text))
    return "\n".join(lines)


def describe(options: Options, runs: int) -> str:
    pace = (
        f"open loop at {options.pace.rate:g}/s"
        if options.pace.rate
        else f"closed loop, at most {options.pace.in_flight} in flight"
    )
    fills = "batch" if options.batch else f"single x{options.concurrency}"
    return (
        f"{options.orders} orders of 1 t {MINERAL}, {pace}; fills {fills}; poll"
        f" {options.poll_s * 1000:.0f} ms; {runs} run(s), medians ({os.cpu_count()} cpus)"
    )


async def bench(options: Options, *, runs: int, vault: bool, bound: bool) -> dict[str, Any]:
    targets = find_targets()
    done: list[Figures] = []
    for number in range(1, runs + 1):
        systems: list[Callable[[Targets, Options], Awaitable[Figures]]] = []
        systems += [vault_run] if vault else []
        systems += [raw_run] if bound else []
        for system in systems:
            figures = await system(targets, options)
            print(
                f"run {number}/{runs} {figures.system}: {figures.completed}/{figures.orders}"
                f" booked, {figures.orders_per_s:.1f} orders/s,"
                f" p50 {figures.latency_ms['p50']:.0f} ms",
                file=sys.stderr,
            )
            done.append(figures)
    by_system: dict[str, list[Figures]] = {}
    for figures in done:
        by_system.setdefault(figures.system, []).append(figures)
    return {
        "setup": describe(options, runs),
        "options": asdict(options),
        "median": {name: medians(group) for name, group in by_system.items()},
        "runs": [asdict(f) for f in done],
        "raw_bound_counts": {
            "messages_per_order": raw.messages_per_order(),
            "rows_per_order": raw.rows_per_order(),
        },
    }


def json_safe(value: Any) -> Any:
    """NaN (a figure that could not be measured) as null, so the output is strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=None, help="open loop, orders/s")
    parser.add_argument(
        "--in-flight", type=int, default=500, help="closed loop: most orders unbooked at once"
    )
    parser.add_argument("--fills", choices=("single", "batch"), default="single")
    parser.add_argument("--concurrency", type=int, default=16, help="fill requests at once")
    parser.add_argument("--poll-ms", type=float, default=50.0, help="legs listing interval")
    parser.add_argument(
        "--legs-wait", type=float, default=None, help="long-poll seconds, if the gateway can"
    )
    parser.add_argument("--keys", type=int, default=8, help="API keys the trader spreads calls on")
    parser.add_argument("--warmup", type=int, default=5, help="orders booked before measuring")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    bound = parser.add_mutually_exclusive_group()
    bound.add_argument("--raw", action="store_true", help="also measure the raw bound")
    bound.add_argument("--raw-only", action="store_true", help="only the raw bound")
    parser.add_argument(
        "--outage",
        choices=procs.SERVICES,
        default=None,
        help="SIGKILL this service during each Vault run, restart it, time the catch-up",
    )
    parser.add_argument("--outage-at", type=float, default=10.0, help="seconds into the run")
    parser.add_argument("--outage-for", type=float, default=60.0, help="seconds it stays down")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    options = Options(
        orders=args.orders,
        pace=Pace(args.rate, args.in_flight),
        batch=args.fills == "batch",
        concurrency=args.concurrency,
        poll_s=args.poll_ms / 1000,
        legs_wait_s=args.legs_wait,
        keys=args.keys,
        warmup=args.warmup,
        timeout_s=args.timeout,
        outage=outages.Outage(args.outage, args.outage_at, args.outage_for)
        if args.outage
        else None,
    )
    try:
        report = asyncio.run(
            bench(options, runs=args.runs, vault=not args.raw_only, bound=args.raw or args.raw_only)
        )
    except BenchError as exc:
        print(f"e2e_bench: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(json_safe(report), indent=2, default=str))
    else:
        print(report["setup"])
        print(table(report["median"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
