"""The two consumers fuzzed: demand's untrusted intake, and inventory's internal orders topic.

Each says what its payloads look like (mostly valid, with hostile values mixed in), the
key its producer would use, what answers a record (demand: a published outcome caused by
the event; inventory: the fill booked or held), and what a canary is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from shared import topics
from shared.contracts import on_topic
from shared.contracts.demand import DemandSubmitted, request_key
from shared.contracts.sourcing import FillRecorded

Payload = dict[str, Any]

_HOSTILE = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` about nine times in ten, anything else otherwise."""
    return st.integers(0, 9).flatmap(lambda roll: good if roll else _HOSTILE)


def _decimal_text(top: int) -> st.SearchStrategy[str]:
    return st.decimals(min_value=0, max_value=top, places=3, allow_nan=False).map(str)


@dataclass(frozen=True)
class Target:
    name: str
    service: str  # the consumer (its group and its inbox's consumer column)
    topic: str
    event_type: str
    payloads: st.SearchStrategy[Payload]
    raw_fields: tuple[str, ...]  # payload fields hostile JSON text may stand in for
    other_types: tuple[str, ...]
    ignorable: frozenset[str]  # known on the topic, not this consumer's business: skipped
    proper_key: Callable[[Payload], bytes]
    answer_key: Callable[[Payload, uuid.UUID], str | None]
    canary: Callable[[str], Payload]  # a valid payload with this id in it


def _text_of(payload: Payload, field: str) -> str:
    value = payload.get(field)
    return value if isinstance(value, str) else repr(value)


def demand_intake(run: str, today: date) -> Target:
    manufacturers = [f"fz{run}-m{i}" for i in range(4)]
    good_dates = st.integers(30, 700).map(lambda d: (today + timedelta(days=d)).isoformat())
    payloads = st.fixed_dictionaries(
        {
            "manufacturer_id": _mostly(st.sampled_from(manufacturers)),
            # Few request ids per manufacturer: resends, duplicates and conflicts happen.
            "request_id": _mostly(st.integers(0, 300).map(lambda i: f"r{i}")),
            "mineral": _mostly(
                st.sampled_from(["cobalt", "lithium", "Neodymium", " gallium", "unobtainium"])
            ),
            "quantity": _mostly(_decimal_text(5000)),
            "unit": _mostly(st.sampled_from(["t", "kg", "T", "lb"])),
            "deliver_by": _mostly(st.one_of(good_dates, st.just("2020-01-31"))),
        },
        optional={
            "max_unit_price": _mostly(st.one_of(st.none(), _decimal_text(100_000))),
            "kind": _mostly(st.sampled_from(["procurement", "replenishment"])),
            "note": st.text(max_size=20),
        },
    )

    def answer_key(payload: Payload, event_id: uuid.UUID) -> str | None:
        return str(event_id)  # the outcome names it as its causation id

    def canary(request_id: str) -> Payload:
        return DemandSubmitted(
            manufacturer_id=f"fz{run}-canary",
            request_id=request_id,
            mineral="cobalt",
            quantity="1",
            unit="t",
            deliver_by=(today + timedelta(days=90)).isoformat(),
        ).model_dump(mode="json")

    return Target(
        name="demand intake",
        service="demand",
        topic=topics.DEMAND_INTAKE,
        event_type=DemandSubmitted.EVENT_TYPE,
        payloads=payloads,
        raw_fields=("quantity", "max_unit_price", "mineral", "unit", "kind", "request_id"),
        other_types=("demand.accepted", "procurement.requested", "offer.published"),
        ignorable=_ignorable(topics.DEMAND_INTAKE, {DemandSubmitted.EVENT_TYPE}),
        proper_key=lambda p: request_key(
            _text_of(p, "manufacturer_id"), _text_of(p, "request_id")
        ).encode("utf-8", "surrogatepass"),
        answer_key=answer_key,
        canary=canary,
    )


def inventory_orders(run: str, warehouse_id: str) -> Target:
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    units = {"cobalt": "t", "antimony": "kg", "lithium": "t", "unobtainium": "t"}

    @st.composite
    def fills(draw: st.DrawFn) -> Payload:
        mineral = draw(st.sampled_from(sorted(units)))
        unit = draw(_mostly(st.just(units[mineral])))
        order = draw(st.integers(0, 500))
        return {
            # Few fill ids: the same fill comes again under other event ids.
            "fill_id": draw(_mostly(st.integers(0, 4000).map(lambda i: f"fz{run}-f{i}"))),
            "leg_id": f"fz{run}-l{order}",
            "order_id": draw(_mostly(st.just(f"fz{run}-o{order}"))),
            "trader_id": "trader-fz",
            "manufacturer_id": draw(_mostly(st.sampled_from(["mfr-a", "mfr-b"]))),
            "mineral": mineral,
            "quantity": {"amount": draw(_mostly(_decimal_text(900))), "unit": unit},
            "unit_price": {"amount": draw(_mostly(_decimal_text(40_000))), "per": unit},
            "origin_country": draw(_mostly(st.sampled_from(["US", "AU", "CN", "zz"]))),
            "tier": draw(_mostly(st.sampled_from(["domestic", "allied", "other"]))),
            "warehouse_id": draw(
                _mostly(st.sampled_from([warehouse_id, warehouse_id, f"wh-fz{run}-unknown"]))
            ),
            "lot_reference": draw(st.text(max_size=40)),
            "filled_at": (t0 + timedelta(minutes=draw(st.integers(0, 10**5)))).isoformat(),
            "phase": draw(_mostly(st.sampled_from(["initial_fill", "replenishment"]))),
            "policy_version": "policy-2026-01",
        }

    def answer_key(payload: Payload, event_id: uuid.UUID) -> str | None:
        fill_id = payload.get("fill_id")
        return fill_id if isinstance(fill_id, str) else None

    def canary(fill_id: str) -> Payload:
        return FillRecorded.model_validate(
            {
                "fill_id": fill_id,
                "leg_id": f"{fill_id}-leg",
                "order_id": f"{fill_id}-order",
                "trader_id": "trader-fz",
                "manufacturer_id": "mfr-canary",
                "mineral": "cobalt",
                "quantity": {"amount": Decimal(1), "unit": "t"},
                "unit_price": {"amount": Decimal(30_000), "per": "t"},
                "origin_country": "US",
                "tier": "domestic",
                "warehouse_id": warehouse_id,
                "lot_reference": "canary",
                "filled_at": t0,
                "phase": "initial_fill",
                "policy_version": "policy-2026-01",
            }
        ).model_dump(mode="json")

    return Target(
        name="inventory orders",
        service="inventory",
        topic=topics.SOURCING_ORDERS,
        event_type=FillRecorded.EVENT_TYPE,
        payloads=fills(),
        raw_fields=("lot_reference", "manufacturer_id", "fill_id", "quantity", "filled_at"),
        other_types=("order.status_changed", "leg.routed", "demand.submitted"),
        ignorable=_ignorable(topics.SOURCING_ORDERS, {FillRecorded.EVENT_TYPE}),
        proper_key=lambda p: _text_of(p, "order_id").encode("utf-8", "surrogatepass"),
        answer_key=answer_key,
        canary=canary,
    )


def _ignorable(topic: str, handled: set[str]) -> frozenset[str]:
    return frozenset(e.EVENT_TYPE for e in on_topic(topic)) - handled
