"""``vault demand submit|show``: send demand as a manufacturer's system would, read its answer."""

from __future__ import annotations

import argparse
import uuid

from shared import topics
from shared.contracts import DemandSubmitted
from vault.http import reports_api_errors, show_call
from vault.publish import publish_event


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demand = sub.add_parser("demand", help="submit demand and read its answer")
    verbs = demand.add_subparsers(dest="verb", required=True)
    submit = verbs.add_parser(
        "submit", help="submit a demand (HTTP by default, or the Kafka intake)"
    )
    submit.add_argument("--manufacturer", required=True)
    submit.add_argument("--request", default=None, help="your request id (default: a new uuid)")
    submit.add_argument("--mineral", required=True, help="catalogue id, e.g. cobalt")
    submit.add_argument("--quantity", required=True, help="decimal, in the mineral's unit")
    submit.add_argument("--unit", required=True, choices=("t", "kg"))
    submit.add_argument("--deliver-by", required=True, help="YYYY-MM-DD")
    submit.add_argument("--max-price", default=None, help="USD per unit")
    submit.add_argument("--via", choices=("http", "kafka"), default="http")
    submit.set_defaults(handler=_submit)
    read = verbs.add_parser("show", help="the answer to a demand")
    read.add_argument("manufacturer")
    read.add_argument("request")
    read.set_defaults(handler=_show)


@reports_api_errors
def _submit(args: argparse.Namespace) -> int:
    demand = DemandSubmitted(
        manufacturer_id=args.manufacturer,
        request_id=args.request or f"req-{uuid.uuid4().hex[:12]}",
        mineral=args.mineral,
        quantity=args.quantity,
        unit=args.unit,
        deliver_by=args.deliver_by,
        max_unit_price=args.max_price,
    )
    if args.via == "kafka":
        event = publish_event(demand)
        print(
            f"sent {demand.request_id} on {topics.DEMAND_INTAKE} (event {event.event_id}); "
            f"`vault demand show {demand.manufacturer_id} {demand.request_id}` reads the answer"
        )
        return 0
    return show_call(
        "demand", "POST", "/v1/demands", json_body=demand.model_dump(exclude_none=True)
    )


@reports_api_errors
def _show(args: argparse.Namespace) -> int:
    return show_call("demand", "GET", f"/v1/demands/{args.manufacturer}/{args.request}")
