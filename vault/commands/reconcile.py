"""``vault reconcile`` (and ``vault check --services``): do the services agree on every leg?

Reads each service's facts (the gateway's legs and fills, sourcing's legs and orders,
inventory's receipts) from its reconciliation endpoint and compares them
(``shared.reconciliation``): per leg, the gateway's fills = sourcing's fills =
inventory's receipts; per order, placed <= ordered and filled <= ordered. Lists every
difference; exit 1 on any. Events in flight show as differences that go away:
``--wait S`` reads again until none are left, for at most S seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx

from shared.reconciliation import Report, Services, collect, reconcile
from vault.endpoints import service_url

SHOWN = 50
"""Differences printed in full; the rest are counted by kind (``--json`` lists all)."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "reconcile",
        help="compare the gateway's, sourcing's and inventory's facts per leg",
        description="Per leg, the gateway's fills = sourcing's fills = inventory's receipts; "
        "per order, placed and filled <= ordered. Lists every difference; exit 1 on any.",
    )
    add_arguments(command)
    command.set_defaults(handler=run)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--wait", type=float, default=0.0, metavar="S", help="read again until agreed, up to S s"
    )
    command.add_argument("--json", action="store_true", help="the whole report as JSON")


def services() -> Services:
    from vault.credentials import api_key

    return Services(
        gateway=service_url("trader_gateway"),
        sourcing=service_url("sourcing"),
        inventory=service_url("inventory"),
        admin_token=api_key(),
    )


async def settled(where: Services, wait_s: float) -> Report:
    """The report, read again (every second) until the services agree or ``wait_s`` is over."""
    deadline = time.monotonic() + wait_s
    async with httpx.AsyncClient(timeout=30) as client:
        while True:
            report = reconcile(await collect(client, where))
            if report.agrees or time.monotonic() >= deadline:
                return report
            await asyncio.sleep(1.0)


def show(report: Report, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.as_json(), indent=2))
        return
    verdict = "agree" if report.agrees else f"disagree ({len(report.differences)} differences)"
    print(
        f"{report.legs} legs, {report.fills} fills, {report.orders} orders: the services {verdict}"
    )
    for kind, count in report.by_kind().items():
        print(f"  {kind}: {count}")
    for difference in report.differences[:SHOWN]:
        print(f"{difference.kind:<22} {difference.subject:<48} {difference.detail}")
    if len(report.differences) > SHOWN:
        print(f"... and {len(report.differences) - SHOWN} more (--json lists every one)")


def run(args: argparse.Namespace) -> int:
    report = asyncio.run(settled(services(), args.wait))
    show(report, as_json=args.json)
    return 0 if report.agrees else 1
