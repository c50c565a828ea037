"""``vault participation ...``: the program's book of participation, through its API.

Every call needs an API key (``--key`` or ``VAULT_KEY``): a program admin's for
``agreement set`` and ``disruption declare|end``; an ops or the manufacturer's own for reads.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shared.catalogue import load_catalogue
from vault.http import call, reports_api_errors, show

SERVICE = "participation"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    top = sub.add_parser(
        "participation",
        help="manufacturers' agreements, commitments, coverage, disruptions, obligations",
    )
    top.add_argument("--key", default=None, help="API key (default: $VAULT_KEY)")
    verbs = top.add_subparsers(dest="what", required=True)

    agreement = verbs.add_parser("agreement", help="set or show a manufacturer's agreement")
    a_verbs = agreement.add_subparsers(dest="verb", required=True)
    setter = a_verbs.add_parser(
        "set",
        help="a new version: one --term per mineral, or --file with the JSON body",
        description="Each --term is MINERAL:COMMITTED:SET_PRICE:CONSUMPTION_PER_DAY"
        "[:POOL_SHARE[:TARGET_DAYS]] in the mineral's catalogue unit; the period runs from"
        " --from to --until.",
    )
    setter.add_argument("manufacturer")
    setter.add_argument("--term", action="append", default=[], metavar="SPEC")
    setter.add_argument("--file", type=Path, help="the JSON body (effective_from, terms)")
    setter.add_argument("--from", dest="start", default=date.today().isoformat())
    setter.add_argument("--until", default=None, help="period end (default: a year on)")
    setter.add_argument("--replenish-within-days", type=int, default=90)
    setter.set_defaults(handler=_set_agreement)
    shower = a_verbs.add_parser("show", help="every version, newest first")
    shower.add_argument("manufacturer")
    shower.set_defaults(handler=_show_agreement)

    for name, path, text in (
        ("commitments", "/v1/commitments", "commitments in force and how far they are covered"),
        ("coverage", "/v1/coverage", "days of supply against target, per manufacturer and program"),
    ):
        reader = verbs.add_parser(name, help=text)
        reader.add_argument("--manufacturer")
        reader.add_argument("--mineral")
        reader.add_argument("--json", action="store_true", help="the API's answer as it is")
        reader.set_defaults(handler=_read, path=path)

    rights = verbs.add_parser("rights", help="what a manufacturer may draw of a mineral now")
    rights.add_argument("manufacturer")
    rights.add_argument("mineral")
    rights.set_defaults(handler=_rights)

    obligations = verbs.add_parser("obligations", help="what draws owe back (open by default)")
    obligations.add_argument("--manufacturer")
    obligations.add_argument(
        "--status", choices=("open", "overdue", "closed", "all"), default="open"
    )
    obligations.set_defaults(handler=_obligations)

    disruption = verbs.add_parser("disruption", help="declare, end or list disruptions")
    d_verbs = disruption.add_subparsers(dest="verb", required=True)
    declare = d_verbs.add_parser("declare", help="a supply disruption of MINERAL is in force")
    declare.add_argument("mineral")
    declare.add_argument("--reason", default="")
    declare.set_defaults(handler=_declare)
    end = d_verbs.add_parser("end", help="the disruption of MINERAL is over")
    end.add_argument("mineral")
    end.set_defaults(handler=_end)
    d_verbs.add_parser("list", help="disruptions in force").set_defaults(handler=_list)


def _headers(args: argparse.Namespace) -> dict[str, str]:
    key = args.key or os.environ.get("VAULT_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def parse_term(spec: str, start: str, until: str, replenish_days: int) -> dict[str, Any]:
    """``MINERAL:COMMITTED:SET_PRICE:CONSUMPTION[:POOL_SHARE[:TARGET_DAYS]]`` as a term."""
    parts = spec.split(":")
    if not 4 <= len(parts) <= 6:
        raise ValueError(f"{spec!r}: MINERAL:COMMITTED:SET_PRICE:CONSUMPTION[:SHARE[:DAYS]]")
    mineral = load_catalogue().get(parts[0])
    if mineral is None:
        raise ValueError(f"{parts[0]!r} is not in the catalogue")
    try:
        numbers = [str(Decimal(p)) for p in parts[1:5]]
    except InvalidOperation:
        raise ValueError(f"{spec!r}: quantities and prices are decimals") from None
    term: dict[str, Any] = {
        "mineral": mineral.id,
        "unit": mineral.unit.value,
        "committed_quantity": numbers[0],
        "set_price": numbers[1],
        "consumption_per_day": numbers[2],
        "period_start": start,
        "period_end": until,
        "replenish_within_days": replenish_days,
    }
    if len(numbers) > 3:
        term["disruption_pool_share"] = numbers[3]
    if len(parts) == 6:
        term["coverage_target_days"] = int(parts[5])
    return term


@reports_api_errors
def _set_agreement(args: argparse.Namespace) -> int:
    if args.file is not None:
        body = json.loads(args.file.read_text())
    else:
        if not args.term:
            print("give at least one --term, or --file")
            return 2
        start = date.fromisoformat(args.start)
        until = args.until or start.replace(year=start.year + 1).isoformat()
        try:
            terms = [
                parse_term(t, args.start, until, args.replenish_within_days) for t in args.term
            ]
        except ValueError as exc:
            print(exc)
            return 2
        body = {"effective_from": args.start, "terms": terms}
    saved = call(
        SERVICE,
        "PUT",
        f"/v1/agreements/{args.manufacturer}",
        json_body=body,
        headers=_headers(args),
    )
    print(
        f"{saved['manufacturer_id']}: agreement v{saved['version']} from {saved['effective_from']}"
    )
    return 0


@reports_api_errors
def _show_agreement(args: argparse.Namespace) -> int:
    show(call(SERVICE, "GET", f"/v1/agreements/{args.manufacturer}", headers=_headers(args)))
    return 0


def _params(args: argparse.Namespace) -> dict[str, str]:
    found = {"manufacturer_id": args.manufacturer, "mineral": getattr(args, "mineral", None)}
    return {k: v for k, v in found.items() if v}


def _days(value: Any) -> str:
    return "-" if value is None else str(value)


def coverage_lines(body: dict[str, Any]) -> list[str]:
    lines = [f"coverage as of {body['as_of']} (days of supply / target)"]
    for row in body["manufacturers"]:
        lines.append(
            f"  {row['manufacturer_id']:<24} {row['mineral']:<12} held {row['held']:>10} "
            f"{row['unit']}  {_days(row['days']):>7} / {row['target_days']} days"
        )
    for row in body["program"]:
        lines.append(
            f"  {'program':<24} {row['mineral']:<12} held {row['held']:>10} "
            f"{row['unit']}  {_days(row['days']):>7} / {row['target_days']} days"
        )
    return lines


def commitment_lines(body: dict[str, Any]) -> list[str]:
    lines = [f"commitments in force on {body['as_of']}"]
    for row in body["items"]:
        lines.append(
            f"  {row['manufacturer_id']:<24} {row['mineral']:<12} committed {row['committed']}"
            f" {row['unit']}: held {row['held']}, on order {row['on_order']}, requested"
            f" {row['requested']}, owed {row['owed']}; uncovered {row['uncovered']}"
        )
    return lines


@reports_api_errors
def _read(args: argparse.Namespace) -> int:
    body = call(SERVICE, "GET", args.path, params=_params(args), headers=_headers(args))
    if args.json:
        show(body)
    else:
        lines = coverage_lines(body) if args.path == "/v1/coverage" else commitment_lines(body)
        print("\n".join(lines))
    return 0


@reports_api_errors
def _rights(args: argparse.Namespace) -> int:
    path = f"/v1/rights/{args.manufacturer}/{args.mineral}"
    show(call(SERVICE, "GET", path, headers=_headers(args)))
    return 0


@reports_api_errors
def _obligations(args: argparse.Namespace) -> int:
    params = {"status": args.status, **_params(args)}
    show(call(SERVICE, "GET", "/v1/obligations", params=params, headers=_headers(args)))
    return 0


@reports_api_errors
def _declare(args: argparse.Namespace) -> int:
    body = {"mineral": args.mineral, "reason": args.reason}
    found = call(SERVICE, "POST", "/v1/disruptions", json_body=body, headers=_headers(args))
    print(f"disruption of {found['mineral']} in force since {found['declared_at']}")
    return 0


@reports_api_errors
def _end(args: argparse.Namespace) -> int:
    path = f"/v1/disruptions/{args.mineral}/end"
    found = call(SERVICE, "POST", path, headers=_headers(args))
    print(f"disruption of {found['mineral']} ended at {found['ended_at']}")
    return 0


@reports_api_errors
def _list(args: argparse.Namespace) -> int:
    show(call(SERVICE, "GET", "/v1/disruptions", headers=_headers(args)))
    return 0
