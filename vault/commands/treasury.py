"""``vault treasury ...``: reference prices, tolerances, ceilings, funding; spend, premiums,
valuation and exports, through treasury's API with an API key (``--key`` or ``VAULT_API_KEY``:
a program admin's to set, an ops reader's or admin's to read)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from vault.http import ApiError, call, reports_api_errors, show

SERVICE = "treasury"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    treasury = sub.add_parser("treasury", help="money: prices, ceilings, spend, premiums, exports")
    treasury.add_argument("--key", help="API key (default: $VAULT_API_KEY)")
    verbs = treasury.add_subparsers(dest="verb", required=True)

    price = verbs.add_parser("price", help="reference prices").add_subparsers(
        dest="action", required=True
    )
    set_price = price.add_parser("set", help="(program admin) a dated reference price")
    set_price.add_argument("mineral")
    set_price.add_argument("price", help="USD per unit")
    set_price.add_argument("--unit", required=True, choices=("t", "kg"))
    set_price.add_argument("--on", required=True, help="in force from this day (YYYY-MM-DD)")
    set_price.add_argument("--source", required=True, help="where the price comes from")
    set_price.add_argument("--form", default="", help="the form it prices ('' = the mineral's)")
    set_price.set_defaults(handler=_set_price)
    list_prices = price.add_parser("list", help="every reference price held")
    list_prices.add_argument("--mineral")
    list_prices.set_defaults(handler=_list_prices)

    tolerance = verbs.add_parser("tolerance", help="(program admin) a mineral's price tolerance")
    tolerance.add_argument("mineral")
    tolerance.add_argument("fraction", help="0.10: a fill 10%% off the reference needs approval")
    tolerance.set_defaults(handler=_set_tolerance)

    ceiling = verbs.add_parser("ceiling", help="(program admin) a mineral's annual ceiling")
    ceiling.add_argument("mineral")
    ceiling.add_argument("year", type=int)
    ceiling.add_argument("usd")
    ceiling.set_defaults(handler=_set_ceiling)

    funding = verbs.add_parser("funding", help="(program admin) a funding source and its ceiling")
    funding.add_argument("source_id")
    funding.add_argument("--name", required=True)
    funding.add_argument("--kind", required=True, choices=("loan_tranche", "private_capital"))
    funding.add_argument("--ceiling", required=True, help="USD")
    funding.add_argument("--available-from", required=True, help="YYYY-MM-DD")
    funding.set_defaults(handler=_set_funding)

    spend = verbs.add_parser("spend", help="spent and committed per mineral, against ceilings")
    spend.add_argument("--year", type=int)
    spend.set_defaults(handler=_spend)

    premiums = verbs.add_parser("premiums", help="premium paid over the allied route and reference")
    premiums.add_argument(
        "--group-by", default="mineral", choices=("mineral", "tier", "trader", "period")
    )
    premiums.add_argument("--from", dest="since")
    premiums.add_argument("--to", dest="until")
    premiums.add_argument("--fills", action="store_true", help="each fill instead of sums")
    premiums.set_defaults(handler=_premiums)

    valuation = verbs.add_parser("valuation", help="the stockpile at cost and at reference")
    valuation.add_argument("--on", help="the reference in force on this day (default today)")
    valuation.set_defaults(handler=_valuation)

    export = verbs.add_parser("export", help="a report for lenders and participants")
    export.add_argument("report", choices=("spend", "premiums", "fill-premiums", "valuation"))
    export.add_argument("--format", default="csv", choices=("csv", "json"))
    export.add_argument("--from", dest="since")
    export.add_argument("--to", dest="until")
    export.add_argument("--group-by", choices=("mineral", "tier", "trader", "period"))
    export.add_argument("--year", type=int)
    export.add_argument("--out", type=Path, help="write to this file instead of printing")
    export.set_defaults(handler=_export)


def _headers(args: argparse.Namespace) -> dict[str, str]:
    key = args.key or os.environ.get("VAULT_API_KEY")
    if not key:
        raise ApiError(401, "an API key is needed: --key or VAULT_API_KEY")
    return {"Authorization": f"Bearer {key}"}


def _run(args: argparse.Namespace, method: str, path: str, **kwargs: Any) -> int:
    show(call(SERVICE, method, path, headers=_headers(args), **kwargs))
    return 0


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@reports_api_errors
def _set_price(args: argparse.Namespace) -> int:
    body = {
        "mineral": args.mineral,
        "form": args.form,
        "effective_on": args.on,
        "price": args.price,
        "unit": args.unit,
        "source": args.source,
    }
    return _run(args, "POST", "/v1/reference-prices", json_body=body)


@reports_api_errors
def _list_prices(args: argparse.Namespace) -> int:
    return _run(args, "GET", "/v1/reference-prices", params=_params(mineral=args.mineral))


@reports_api_errors
def _set_tolerance(args: argparse.Namespace) -> int:
    return _run(
        args, "PUT", f"/v1/tolerances/{args.mineral}", json_body={"tolerance": args.fraction}
    )


@reports_api_errors
def _set_ceiling(args: argparse.Namespace) -> int:
    path = f"/v1/ceilings/{args.mineral}/{args.year}"
    return _run(args, "PUT", path, json_body={"ceiling_usd": args.usd})


@reports_api_errors
def _set_funding(args: argparse.Namespace) -> int:
    body = {
        "name": args.name,
        "kind": args.kind,
        "ceiling_usd": args.ceiling,
        "available_from": args.available_from,
    }
    return _run(args, "PUT", f"/v1/funding-sources/{args.source_id}", json_body=body)


@reports_api_errors
def _spend(args: argparse.Namespace) -> int:
    return _run(args, "GET", "/v1/spend", params=_params(year=args.year))


@reports_api_errors
def _premiums(args: argparse.Namespace) -> int:
    path = "/v1/premiums/fills" if args.fills else "/v1/premiums"
    params = _params(
        group_by=None if args.fills else args.group_by, **{"from": args.since, "to": args.until}
    )
    return _run(args, "GET", path, params=params)


@reports_api_errors
def _valuation(args: argparse.Namespace) -> int:
    return _run(args, "GET", "/v1/valuation", params=_params(on=args.on))


@reports_api_errors
def _export(args: argparse.Namespace) -> int:
    params = _params(
        format=args.format,
        group_by=args.group_by,
        year=args.year,
        **{"from": args.since, "to": args.until},
    )
    body = call(SERVICE, "GET", f"/v1/exports/{args.report}", headers=_headers(args), params=params)
    if args.out is None:
        show(body)
        return 0

    text = body if isinstance(body, str) else json.dumps(body, indent=2)
    args.out.write_text(text)
    print(f"wrote {args.out}")
    return 0
