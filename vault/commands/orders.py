"""``vault orders list|show``: orders, their state, and why (sourcing's read API)."""

from __future__ import annotations

import argparse

from vault.http import reports_api_errors, show_call


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    orders = sub.add_parser("orders", help="procurement orders and their state")
    verbs = orders.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="orders, newest first")
    listing.add_argument("--manufacturer")
    listing.add_argument(
        "--status", choices=("routed", "partly_filled", "filled", "waiting", "expired")
    )
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=_list)
    one = verbs.add_parser("show", help="one order: legs, fills, and the explained decision")
    one.add_argument("order_id")
    one.set_defaults(handler=_show)


@reports_api_errors
def _list(args: argparse.Namespace) -> int:
    params = {"manufacturer_id": args.manufacturer, "status": args.status, "limit": args.limit}
    return show_call("sourcing", "GET", "/v1/orders", params={k: v for k, v in params.items() if v})


@reports_api_errors
def _show(args: argparse.Namespace) -> int:
    return show_call("sourcing", "GET", f"/v1/orders/{args.order_id}")
