from typing import Any

from services.sourcing.domain import Trigger, allocate, decision_record, summary
from shared.contracts import Unit

from .builders import NOW, context, offer, request


def _record() -> dict[str, Any]:
    ctx = context(
        [
            offer("home", origin="US", price="120", quantity="100"),
            offer("ally", origin="JP", price="100", trader_id="trader-b"),
            offer("far", origin="CN", price="70", trader_id="trader-c"),
            offer("li", mineral="lithium", price="1", trader_id="trader-d"),
        ]
    )
    decision = allocate(request(quantity="100"), ctx).decision
    return decision_record(decision, trigger=Trigger.REQUESTED, decided_at=NOW, unit=Unit.TONNE)


def test_a_record_names_the_offers_of_the_mineral_the_winning_tier_and_the_policy() -> None:
    record = _record()

    assert [c["offer_id"] for c in record["considered"]] == ["home", "ally", "far"]
    assert record["considered"][0] == {
        "offer_id": "home",
        "trader_id": "trader-a",
        "origin_country": "US",
        "tier": "domestic",
        "unit_price": "120",
        "available_on": "2026-03-12",
        "outcome": "taken",
        "rank": 1,
        "quantity_taken": "100",
        "reason": "",
    }
    assert record["winning_tier"] == "domestic"
    assert (record["phase"], record["policy_version"]) == ("replenishment", "2026-03-01")
    assert (record["best_allied_price"], record["domestic_price_cap"]) == ("100", "125")
    assert record["legs"] == [
        {
            "leg_id": "req-1.leg-1",
            "kind": "offer",
            "trader_id": "trader-a",
            "quantity": "100",
            "offer_id": "home",
            "tier": "domestic",
        }
    ]
    assert record["open"] is None


def test_a_record_says_why_each_cheaper_offer_lost_cheapest_first() -> None:
    assert [(c["offer_id"], c["reason"]) for c in _record()["cheaper_not_taken"]] == [
        ("far", "lower tier: domestic covers"),
        ("ally", "lower tier: domestic covers within cap"),
    ]


def test_a_summary_keeps_the_why_but_not_the_list_of_every_offer() -> None:
    record = _record()

    brief = summary(record)

    assert "considered" not in brief
    assert brief["considered_offers"] == 3
    assert brief["cheaper_not_taken"] == record["cheaper_not_taken"]
    assert brief["summary"] == (
        "replenishment under policy 2026-03-01; offers: 100 t domestic (of 3 considered)"
    )


def test_what_stays_open_is_recorded_with_its_reason() -> None:
    decision = allocate(request(quantity="100"), context()).decision

    record = decision_record(decision, trigger=Trigger.REQUESTED, decided_at=NOW, unit=Unit.TONNE)

    assert record["open"] == {
        "quantity": "100",
        "reason": "no offer covers 100 t; no specialist registered for market cobalt",
    }
    assert record["winning_tier"] is None
    assert record["cheaper_not_taken"] == []
