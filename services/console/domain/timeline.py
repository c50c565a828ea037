"""An order's story across the services, as one list of dated events.

Each service answers for its own part: demand (the request and its answer), sourcing
(the order, each decision and the legs it routed, each fill it recorded), the trader
gateway (each leg as it reached the trader, fills confirmed, declines, expiries) and
inventory (each receipt booked into a lot). Pure: the JSON each API answered in, the
events out, oldest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

HOPS = ("demand", "sourcing", "trader_gateway", "inventory")

Json = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    service: str
    what: str
    detail: str = ""


def _at(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _qty(value: Any, unit: str) -> str:
    return f"{Decimal(str(value)).normalize():f} {unit}"


def from_demand(demand: Json) -> list[Event]:
    events = [
        Event(
            _at(demand["received_at"]),
            "demand",
            "demand received",
            f"{demand['manufacturer_id']} / {demand['request_id']} via {demand['channel']}",
        )
    ]
    if demand.get("status") == "accepted":
        events.append(
            Event(
                _at(demand["updated_at"]), "demand", "accepted", f"order {demand.get('order_id')}"
            )
        )
    else:
        reasons = "; ".join(str(r.get("message", r)) for r in demand.get("reasons", []))
        events.append(Event(_at(demand["updated_at"]), "demand", "rejected", reasons))
    return events


def from_sourcing(order: Json, recorded: Mapping[str, Any] | None = None) -> list[Event]:
    """``recorded``: when sourcing recorded each fill (by fill id); the trader's
    ``filled_at`` stands in where it is not known."""
    unit = str(order.get("unit", ""))
    events = [
        Event(
            _at(order["created_at"]),
            "sourcing",
            "order opened",
            f"{_qty(order['quantity'], unit)} of {order['mineral']} ({order['kind']})",
        )
    ]
    for decision in order.get("decisions", []):
        record = decision.get("record", {})
        at = _at(decision["decided_at"])
        events.append(
            Event(
                at,
                "sourcing",
                f"decision {decision['number']} ({decision['trigger']})",
                str(record.get("summary", "")),
            )
        )
        for leg in record.get("legs", []):
            events.append(
                Event(
                    at,
                    "sourcing",
                    "leg routed",
                    f"{leg.get('leg_id')} to {leg.get('trader_id')}: "
                    f"{_qty(leg.get('quantity', 0), unit)}"
                    + (f", {leg['tier']}" if leg.get("tier") else ""),
                )
            )
    for fill in order.get("fills", []):
        events.append(
            Event(
                _at((recorded or {}).get(fill["fill_id"]) or fill["filled_at"]),
                "sourcing",
                "fill recorded",
                f"{_qty(fill['quantity'], unit)} at {fill['unit_price']} USD, "
                f"{fill['tier']} ({fill['origin_country']}) on {fill['leg_id']}",
            )
        )
    return events


def from_gateway(legs: Sequence[Json]) -> list[Event]:
    events: list[Event] = []
    for leg in legs:
        unit = str(leg.get("unit", ""))
        events.append(
            Event(
                _at(leg["routed_at"]),
                "trader_gateway",
                "leg reached trader",
                f"{leg['leg_id']}: {leg['trader_id']}, {_qty(leg['quantity'], unit)}",
            )
        )
        for fill in leg.get("fills", []):
            events.append(
                Event(
                    _at(fill["recorded_at"]),
                    "trader_gateway",
                    "fill confirmed",
                    f"{leg['trader_id']}: {_qty(fill['quantity'], unit)} at {fill['unit_price']} USD",
                )
            )
        closing = leg.get("closing")
        if closing:
            # The gateway closed the leg (declined, expired or cancelled): what was left undone.
            why = f", {closing['detail']}" if closing.get("detail") else ""
            events.append(
                Event(
                    _at(closing["closed_at"]),
                    "trader_gateway",
                    f"leg {closing['reason']}",
                    f"{leg['trader_id']}: {_qty(closing['undone'], unit)} undone{why}",
                )
            )
        elif leg.get("outcome") == "expired":
            events.append(
                Event(_at(leg["deadline"]), "trader_gateway", "leg expired", str(leg["leg_id"]))
            )
    return events


def from_inventory(receipts: Json) -> list[Event]:
    events = [
        Event(
            _at(r["recorded_at"]),
            "inventory",
            "received into stock",
            f"{_qty(r['quantity'], r['unit'])} into lot {r['lot_id']} at {r['warehouse_id']}",
        )
        for r in receipts.get("receipts", [])
    ]
    events += [
        Event(_at(h["held_at"]), "inventory", "fill held for ops", str(h.get("reason", "")))
        for h in receipts.get("held", [])
    ]
    return events


def timeline(
    *,
    order: Json,
    demand: Json | None,
    gateway_legs: Sequence[Json] | None,
    receipts: Json | None,
    fills_recorded: Mapping[str, Any] | None = None,
) -> list[Event]:
    """Every event known for the order, oldest first (hops in flow order at equal times)."""
    events = from_sourcing(order, fills_recorded)
    if demand is not None:
        events += from_demand(demand)
    if gateway_legs is not None:
        events += from_gateway(gateway_legs)
    if receipts is not None:
        events += from_inventory(receipts)
    return sorted(events, key=lambda e: (e.at, HOPS.index(e.service)))


@dataclass(frozen=True, slots=True)
class Progress:
    """Cumulative quantity over time: ordered (the target), filled, received into stock."""

    ordered: list[tuple[datetime, Decimal]]
    filled: list[tuple[datetime, Decimal]]
    received: list[tuple[datetime, Decimal]]


def _cumulative(points: Sequence[tuple[datetime, Decimal]]) -> list[tuple[datetime, Decimal]]:
    total = Decimal(0)
    out: list[tuple[datetime, Decimal]] = []
    for at, amount in sorted(points):
        total += amount
        out.append((at, total))
    return out


def progress(order: Json, receipts: Json | None, *, until: datetime) -> Progress:
    """The order's quantity from its opening to ``until``, and what was filled and received."""
    quantity = Decimal(str(order["quantity"]))
    filled = [(_at(f["filled_at"]), Decimal(str(f["quantity"]))) for f in order.get("fills", [])]
    received = [
        (_at(r["recorded_at"]), Decimal(str(r["quantity"])))
        for r in (receipts or {}).get("receipts", [])
    ]
    opened = _at(order["created_at"])
    return Progress(
        ordered=[(opened, quantity), (until, quantity)],
        filled=[(opened, Decimal(0)), *_cumulative(filled)],
        received=[(opened, Decimal(0)), *_cumulative(received)],
    )
