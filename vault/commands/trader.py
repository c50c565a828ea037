"""``vault trader ...``: ops register trading houses; a trader publishes offers, fills, declines.

Trader actions use the trader's API key (``--key`` or ``VAULT_TRADER_KEY``); ops actions
use the gateway admin token (``VAULT_ADMIN_TOKEN`` or the one `vault run` generated).
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from vault.http import ApiError, call, reports_api_errors, show_call


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trader = sub.add_parser(
        "trader", help="trading houses at the gateway: register, offers, legs, fills"
    )
    verbs = trader.add_subparsers(dest="verb", required=True)

    reg = verbs.add_parser(
        "register", help="(ops) register or change a trading house and issue a key"
    )
    reg.add_argument("trader_id")
    reg.add_argument("--name", required=True)
    reg.add_argument(
        "--markets", required=True, help="comma-separated catalogue markets, e.g. cobalt,lithium"
    )
    reg.add_argument("--rank", type=int, default=1)
    reg.add_argument("--capacity", default="100000", help="most open quantity at once")
    reg.add_argument("--exposure-limit", default="1000000000", help="USD")
    reg.add_argument("--no-key", action="store_true", help="do not issue a new API key")
    reg.set_defaults(handler=_register)

    revoke = verbs.add_parser("revoke-key", help="(ops) revoke one of a trader's keys now")
    revoke.add_argument("trader_id")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=_revoke)

    offer = verbs.add_parser("offer", help="publish an offer")
    _key(offer)
    offer.add_argument("--mineral", required=True)
    offer.add_argument("--origin", required=True, help="ISO country code, e.g. US")
    offer.add_argument("--quantity", required=True)
    offer.add_argument("--unit", required=True, choices=("t", "kg"))
    offer.add_argument("--price", required=True, help="USD per unit")
    offer.add_argument("--warehouse", required=True)
    offer.add_argument("--available-in-days", type=int, default=7)
    offer.add_argument("--valid-days", type=int, default=30)
    offer.set_defaults(handler=_offer)

    withdraw = verbs.add_parser("withdraw", help="withdraw one of my offers")
    _key(withdraw)
    withdraw.add_argument("offer_id")
    withdraw.set_defaults(handler=_withdraw)

    legs = verbs.add_parser("legs", help="my open legs (soonest deadline first)")
    _key(legs)
    legs.add_argument("--mineral")
    legs.set_defaults(handler=_legs)

    fill = verbs.add_parser("fill", help="confirm a fill on one of my legs")
    _key(fill)
    fill.add_argument("leg_id")
    fill.add_argument("--quantity", required=True)
    fill.add_argument("--price", required=True, help="USD per unit, at most the leg's limit")
    fill.add_argument("--origin", required=True)
    fill.add_argument("--warehouse", required=True)
    fill.add_argument("--lot", default=None, help="your lot reference (default: generated)")
    fill.set_defaults(handler=_fill)

    decline = verbs.add_parser("decline", help="decline a leg or its remainder, with a reason")
    _key(decline)
    decline.add_argument("leg_id")
    decline.add_argument("--reason", required=True)
    decline.set_defaults(handler=_decline)

    # Fills priced beyond the tolerance around the reference price: held for ops.
    pending = verbs.add_parser(
        "pending", help="(ops) fills held for approval, priced beyond the tolerance"
    )
    pending.add_argument(
        "--status",
        default="pending_approval",
        choices=("pending_approval", "approved", "rejected", "all"),
    )
    pending.add_argument("--json", action="store_true", help="the API's answer as it is")
    pending.set_defaults(handler=_pending)
    for verb, says in (("approve", "it counts"), ("reject", "it never counts")):
        decide = verbs.add_parser(verb, help=f"(program admin) a held fill: {says}; who, why kept")
        decide.add_argument("fill_id")
        decide.add_argument("--reason", required=True)
        decide.set_defaults(handler=_decide, decision=verb)


def _key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key",
        default=os.environ.get("VAULT_TRADER_KEY"),
        help="the trader's API key (default: $VAULT_TRADER_KEY)",
    )


def _trader_headers(args: argparse.Namespace, *, write: bool = False) -> dict[str, str]:
    if not args.key:
        raise ApiError(0, "no API key: pass --key or set VAULT_TRADER_KEY")
    headers = {"Authorization": f"Bearer {args.key}"}
    if write:
        headers["Idempotency-Key"] = uuid.uuid4().hex
    return headers


def _admin_headers() -> dict[str, str]:
    from vault.credentials import api_key, bearer

    return bearer(api_key())


def _do(method: str, path: str, **kwargs: Any) -> int:
    return show_call("trader_gateway", method, path, **kwargs)


@reports_api_errors
def _register(args: argparse.Namespace) -> int:
    body = {
        "name": args.name,
        "markets": [m.strip() for m in args.markets.split(",") if m.strip()],
        "rank": args.rank,
        "capacity": args.capacity,
        "exposure_limit_usd": args.exposure_limit,
    }
    code = _do(
        "PUT", f"/v1/admin/traders/{args.trader_id}", json_body=body, headers=_admin_headers()
    )
    if code or args.no_key:
        return code
    return _do(
        "POST", f"/v1/admin/traders/{args.trader_id}/keys", json_body={}, headers=_admin_headers()
    )


@reports_api_errors
def _revoke(args: argparse.Namespace) -> int:
    return _do(
        "DELETE", f"/v1/admin/traders/{args.trader_id}/keys/{args.key_id}", headers=_admin_headers()
    )


@reports_api_errors
def _offer(args: argparse.Namespace) -> int:
    body = {
        "mineral": args.mineral,
        "origin_country": args.origin,
        "quantity": {"amount": args.quantity, "unit": args.unit},
        "unit_price": {"amount": args.price, "currency": "USD", "per": args.unit},
        "warehouse_id": args.warehouse,
        "available_on": (date.today() + timedelta(days=args.available_in_days)).isoformat(),
        "valid_until": (datetime.now(UTC) + timedelta(days=args.valid_days)).isoformat(),
    }
    return _do("POST", "/v1/offers", json_body=body, headers=_trader_headers(args, write=True))


@reports_api_errors
def _withdraw(args: argparse.Namespace) -> int:
    return _do("DELETE", f"/v1/offers/{args.offer_id}", headers=_trader_headers(args, write=True))


@reports_api_errors
def _legs(args: argparse.Namespace) -> int:
    params = {"mineral": args.mineral} if args.mineral else None
    return _do("GET", "/v1/legs", params=params, headers=_trader_headers(args))


@reports_api_errors
def _fill(args: argparse.Namespace) -> int:
    headers = _trader_headers(args, write=True)
    leg = call("trader_gateway", "GET", f"/v1/legs/{args.leg_id}", headers=_trader_headers(args))
    unit = leg["quantity"]["unit"]
    body = {
        "mineral": leg["mineral"],
        "quantity": {"amount": args.quantity, "unit": unit},
        "unit_price": {"amount": args.price, "currency": "USD", "per": unit},
        "origin_country": args.origin,
        "warehouse_id": args.warehouse,
        "lot_reference": args.lot or f"lot-{uuid.uuid4().hex[:10]}",
        "filled_at": datetime.now(UTC).isoformat(),
    }
    return _do("POST", f"/v1/legs/{args.leg_id}/fills", json_body=body, headers=headers)


@reports_api_errors
def _decline(args: argparse.Namespace) -> int:
    headers = _trader_headers(args, write=True)
    return _do(
        "POST",
        f"/v1/legs/{args.leg_id}/decline",
        json_body={"reason": args.reason},
        headers=headers,
    )


def pending_lines(items: list[dict[str, Any]]) -> list[str]:
    """Held fills as ops read them: what, at what price against which reference, how far off."""
    if not items:
        return ["no fills held"]
    lines = []
    for f in items:
        quantity, price, reference = f["quantity"], f["unit_price"], f["reference_price"]
        deviation = float(f["deviation"]) * 100
        decided = f" by {f['decided_by']}: {f['reason']}" if f.get("decided_by") else ""
        lines.append(
            f"{f['fill_id']:<24} {f['status']:<16} {f['mineral']:<12} "
            f"{quantity['amount']} {quantity['unit']} at {price['amount']} "
            f"(reference {reference['amount']}, {deviation:+.1f}%, tolerance "
            f"{float(f['tolerance']) * 100:.0f}%) leg {f['leg_id']}{decided}"
        )
    return lines


@reports_api_errors
def _pending(args: argparse.Namespace) -> int:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"status": args.status, "limit": "200", **({"cursor": cursor} if cursor else {})}
        page = call("trader_gateway", "GET", "/v1/admin/pending-fills", params=params)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    if args.json:
        print(json.dumps(items, indent=2))
    else:
        print("\n".join(pending_lines(items)))
    return 0


@reports_api_errors
def _decide(args: argparse.Namespace) -> int:
    path = f"/v1/admin/pending-fills/{args.fill_id}/{args.decision}"
    return _do("POST", path, json_body={"reason": args.reason})
