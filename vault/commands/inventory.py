"""``vault holdings|release|warehouse|check``: the stockpile through inventory's API."""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from vault.commands import reconcile
from vault.http import call, reports_api_errors, show, show_call


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    holdings = sub.add_parser(
        "holdings", help="what the stockpile holds (filters; --csv to export)"
    )
    for name in ("mineral", "warehouse", "tier", "owner", "group-by"):
        holdings.add_argument(f"--{name}")
    holdings.add_argument("--csv", action="store_true", help="CSV instead of JSON")
    holdings.set_defaults(handler=_holdings)

    release = sub.add_parser("release", help="draw material out for a manufacturer (FIFO)")
    release.add_argument("--manufacturer", required=True)
    release.add_argument("--mineral", required=True)
    release.add_argument("--quantity", required=True)
    release.add_argument("--warehouse", help="draw from this warehouse only")
    release.add_argument("--id", help="release id, so a retry does not draw twice (default: new)")
    release.set_defaults(handler=_release)

    warehouse = sub.add_parser("warehouse", help="register or list warehouses")
    verbs = warehouse.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="register a warehouse (books fills held for it)")
    add.add_argument("warehouse_id")
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, choices=("third_party", "leased", "owned"))
    add.add_argument("--location", required=True)
    add.add_argument("--operator", required=True)
    add.set_defaults(handler=_add_warehouse)
    verbs.add_parser("list", help="every warehouse").set_defaults(handler=_list_warehouses)

    receipts = sub.add_parser("receipts", help="an order's receipts (and fills held for ops)")
    receipts.add_argument("order_id")
    receipts.set_defaults(handler=_receipts)

    check = sub.add_parser(
        "check",
        help="rebuild balances from the ledger and compare with live ones; --services also "
        "reconciles the services per leg (as `vault reconcile`)",
    )
    check.add_argument(
        "--services",
        action="store_true",
        help="also compare the gateway's, sourcing's and inventory's facts per leg and order",
    )
    reconcile.add_arguments(check)
    check.set_defaults(handler=_check)


def _run(method: str, path: str, **kwargs: Any) -> int:
    return show_call("inventory", method, path, **kwargs)


@reports_api_errors
def _holdings(args: argparse.Namespace) -> int:
    params = {
        k: v
        for k, v in {
            "mineral": args.mineral,
            "warehouse": args.warehouse,
            "tier": args.tier,
            "owner": args.owner,
            "group_by": args.group_by,
            "format": "csv" if args.csv else None,
        }.items()
        if v
    }
    return _run("GET", "/v1/holdings", params=params)


@reports_api_errors
def _release(args: argparse.Namespace) -> int:
    body = {
        "manufacturer_id": args.manufacturer,
        "mineral": args.mineral,
        "quantity": args.quantity,
        "release_id": args.id or f"rel-{uuid.uuid4().hex[:12]}",
    }
    if args.warehouse:
        body["warehouse_id"] = args.warehouse
    return _run("POST", "/v1/releases", json_body=body)


@reports_api_errors
def _add_warehouse(args: argparse.Namespace) -> int:
    body = {
        "warehouse_id": args.warehouse_id,
        "name": args.name,
        "kind": args.kind,
        "location": args.location,
        "operator": args.operator,
    }
    return _run("POST", "/v1/warehouses", json_body=body)


@reports_api_errors
def _list_warehouses(_: argparse.Namespace) -> int:
    return _run("GET", "/v1/warehouses")


@reports_api_errors
def _receipts(args: argparse.Namespace) -> int:
    return _run("GET", f"/v1/orders/{args.order_id}/receipts")


@reports_api_errors
def _check(args: argparse.Namespace) -> int:
    report = call("inventory", "GET", "/v1/check")
    show(report)
    ledger_agrees = bool(report.get("agrees"))
    if not args.services:
        return 0 if ledger_agrees else 1
    services_agree = reconcile.run(args) == 0
    return 0 if ledger_agrees and services_agree else 1
