"""An order's story: every hop's events, oldest first, from the JSON each service answers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from services.console.domain import timeline

ORDER = {
    "order_id": "ord-1",
    "mineral": "cobalt",
    "unit": "t",
    "kind": "procurement",
    "quantity": "25",
    "created_at": "2026-01-01T00:00:01+00:00",
    "decisions": [
        {
            "number": 1,
            "trigger": "requested",
            "decided_at": "2026-01-01T00:00:02+00:00",
            "record": {
                "summary": "25 t domestic",
                "legs": [{"leg_id": "ord-1.leg-1", "trader_id": "t1", "quantity": "25"}],
            },
        }
    ],
    "fills": [
        {
            "fill_id": "f1",
            "leg_id": "ord-1.leg-1",
            "quantity": "20",
            "unit_price": "36000",
            "tier": "domestic",
            "origin_country": "US",
            "filled_at": "2026-01-01T00:00:03+00:00",
        }
    ],
}
DEMAND = {
    "manufacturer_id": "m",
    "request_id": "r",
    "channel": "http",
    "status": "accepted",
    "order_id": "ord-1",
    "received_at": "2026-01-01T00:00:00+00:00",
    "updated_at": "2026-01-01T00:00:00+00:00",
}
LEGS = [
    {
        "leg_id": "ord-1.leg-1",
        "trader_id": "t1",
        "unit": "t",
        "quantity": "25",
        "routed_at": "2026-01-01T00:00:02.5+00:00",
        "outcome": "declined",
        "deadline": "2026-01-02T00:00:00+00:00",
        "fills": [
            {"quantity": "20", "unit_price": "36000", "recorded_at": "2026-01-01T00:00:03.1+00:00"}
        ],
        "closing": {
            "reason": "declined",
            "filled": "20",
            "undone": "5",
            "detail": "short",
            "closed_at": "2026-01-01T00:00:03.2+00:00",
        },
    }
]
RECEIPTS = {
    "receipts": [
        {
            "quantity": "20",
            "unit": "t",
            "lot_id": "lot:f1",
            "warehouse_id": "w",
            "recorded_at": "2026-01-01T00:00:04+00:00",
        }
    ],
    "held": [],
}


def test_every_hop_appears_in_time_order() -> None:
    events = timeline.timeline(
        order=ORDER,
        demand=DEMAND,
        gateway_legs=LEGS,
        receipts=RECEIPTS,
        fills_recorded={"f1": "2026-01-01T00:00:03.3+00:00"},
    )
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert {e.service for e in events} == set(timeline.HOPS)
    whats = [e.what for e in events]
    assert whats.index("fill confirmed") < whats.index("fill recorded")
    assert whats[0] == "demand received"
    assert whats[-1] == "received into stock"
    assert "leg declined" in whats


def test_a_source_that_did_not_answer_leaves_its_hop_out() -> None:
    events = timeline.timeline(order=ORDER, demand=None, gateway_legs=None, receipts=None)
    assert {e.service for e in events} == {"sourcing"}


def test_progress_starts_at_zero_and_adds_up() -> None:
    until = datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    done = timeline.progress(ORDER, RECEIPTS, until=until)
    assert done.ordered[-1] == (until, Decimal(25))
    assert [q for _, q in done.filled] == [Decimal(0), Decimal(20)]
    assert [q for _, q in done.received] == [Decimal(0), Decimal(20)]
