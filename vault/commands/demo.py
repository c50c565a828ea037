"""``vault demo``: run the demo scenario against the running system (`vault run`)."""

from __future__ import annotations

import argparse
import asyncio

from vault.credentials import api_key
from vault.endpoints import bootstrap_servers, service_url
from vault.infra.launcher import Launcher
from vault.scenario.actors import ScenarioError, Urls
from vault.scenario.demo import Demo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser(
        "demo", help="seed traders, warehouses and offers; send demand; fill; release; tell"
    )
    demo.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each stage")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    urls = Urls(
        demand=service_url("demand"),
        sourcing=service_url("sourcing"),
        gateway=service_url("trader_gateway"),
        inventory=service_url("inventory"),
        bootstrap_servers=bootstrap_servers(),
        admin_token=api_key(Launcher().state),
        access=service_url("access"),
    )
    try:
        result = asyncio.run(Demo(urls, timeout_s=args.timeout).run())
    except (ScenarioError, TimeoutError) as exc:
        print(f"demo stopped: {exc}")
        return 1
    print(f"\ndemo completed in {result.seconds}s")
    return 0
