"""Confirming fills over HTTP: booked and emitted when they fit the leg, refused otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared import topics
from tests.integration.trader_gateway.harness import (
    Gateway,
    fill_body,
    trader_headers,
    unique,
)


async def test_a_routed_leg_is_listed_partly_filled_emitted_and_read_back_with_what_is_left(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, quantity="100", limit="33000")

    listed = await gateway.client.get("/v1/legs", headers=trader_headers(key))
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert (item["leg_id"], item["status"]) == (routed.leg_id, "open")
    assert item["remaining"] == {"amount": "100", "unit": "t"}
    assert item["limit_price"] == {"amount": "33000", "currency": "USD", "per": "t"}

    confirmed = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(quantity={"amount": "40.5", "unit": "t"}),
        headers=trader_headers(key, unique("idem")),
    )
    assert confirmed.status_code == 201, confirmed.text
    fill = confirmed.json()
    assert fill["leg"]["remaining"] == {"amount": "59.5", "unit": "t"}
    assert fill["leg"]["status"] == "partially_filled"

    [event] = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert event["type"] == "fill.confirmed"
    assert event["key"] == routed.order_id
    payload = event["payload"]
    assert payload["fill_id"] == fill["fill_id"]
    assert (payload["leg_id"], payload["trader_id"]) == (routed.leg_id, trader)
    assert payload["manufacturer_id"] == "mfr-tesla-nv"
    assert Decimal(payload["quantity"]["amount"]) == Decimal("40.5")
    assert payload["unit_price"] == {"amount": "32500.00", "currency": "USD", "per": "t"}
    assert (payload["origin_country"], payload["lot_reference"]) == ("AU", "LOT-2026-0042")

    read = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert read.status_code == 200
    assert read.json()["filled"]["amount"] == "40.5"
    assert read.json()["remaining"]["amount"] == "59.5"


async def _nothing_booked(gateway: Gateway, key: str, leg_id: str, order_id: str) -> None:
    assert await gateway.outbox(order_id) == []
    read = await gateway.client.get(f"/v1/legs/{leg_id}", headers=trader_headers(key))
    assert read.json()["filled"]["amount"] == "0"


REFUSALS: list[tuple[str, dict[str, Any], int]] = [
    ("over_fill", {"quantity": {"amount": "100.000001", "unit": "t"}}, 422),
    ("price_above_limit", {"unit_price": {"amount": "33000.01", "per": "t"}}, 422),
    ("mineral_mismatch", {"mineral": "nickel"}, 422),
    ("unit_mismatch", {"quantity": {"amount": "40", "unit": "kg"}}, 422),
    ("unit_mismatch", {"unit_price": {"amount": "32", "per": "kg"}}, 422),
    (
        "filled_at_in_future",
        {"filled_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
        422,
    ),
    (
        "filled_at_before_leg",
        {"filled_at": (datetime.now(UTC) - timedelta(days=2)).isoformat()},
        422,
    ),
    ("filled_at_before_leg", {"filled_at": "0001-01-01T00:00:00+23:59"}, 422),
    ("filled_at_in_future", {"filled_at": "9999-12-31T23:59:59-23:59"}, 422),
]


async def test_fills_that_do_not_fit_the_leg_are_refused_with_a_reason_and_nothing_is_emitted(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, quantity="100", limit="33000")
    for code, changes, status in REFUSALS:
        answer = await gateway.client.post(
            f"/v1/legs/{routed.leg_id}/fills",
            json=fill_body(**changes),
            headers=trader_headers(key, unique("idem")),
        )
        assert answer.status_code == status, (code, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert (problem["code"], problem["status"]) == (code, status)
        assert problem["type"] == f"urn:vault:problem:{code}"
        assert problem["detail"]
    over = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(quantity={"amount": "101", "unit": "t"}),
        headers=trader_headers(key, unique("idem")),
    )
    assert (over.json()["remaining"], over.json()["unit"]) == ("100", "t")
    await _nothing_booked(gateway, key, routed.leg_id, routed.order_id)

    # The broker agrees: after all those refusals one good fill is the only event.
    good = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills",
        json=fill_body(),
        headers=trader_headers(key, unique("idem")),
    )
    assert good.status_code == 201
    await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert len(gateway.recorder.of(topics.TRADER_LEGS, routed.order_id)) == 1


async def test_a_fill_after_the_deadline_is_refused_whether_sent_or_dated_after_it(
    gateway: Gateway,
) -> None:
    trader, key = await gateway.register_trader()
    past = await gateway.route_leg(trader, deadline=datetime.now(UTC) - timedelta(minutes=1))
    late = await gateway.client.post(
        f"/v1/legs/{past.leg_id}/fills",
        json=fill_body(filled_at=(datetime.now(UTC) - timedelta(minutes=10)).isoformat()),
        headers=trader_headers(key, unique("idem")),
    )
    # Refused for its deadline, or (once the sweep has been) because the leg expired.
    assert (late.status_code, late.json()["code"]) in (
        (422, "deadline_passed"),
        (409, "leg_not_open"),
    )

    soon = await gateway.route_leg(trader, deadline=datetime.now(UTC) + timedelta(seconds=30))
    dated_late = await gateway.client.post(
        f"/v1/legs/{soon.leg_id}/fills",
        json=fill_body(filled_at=(datetime.now(UTC) + timedelta(seconds=90)).isoformat()),
        headers=trader_headers(key, unique("idem")),
    )
    assert (dated_late.status_code, dated_late.json()["code"]) == (422, "deadline_passed")
    assert dated_late.json()["field"] == "filled_at"
    assert "fill.confirmed" not in await gateway.outbox(past.order_id)
    assert await gateway.outbox(soon.order_id) == []


def _raw(text: str) -> tuple[bytes, str]:
    return text.encode(), "application/json"


MALFORMED: list[tuple[str, bytes | dict[str, object], int]] = [
    ("unknown field", fill_body(status="filled"), 422),
    ("unknown nested field", fill_body(quantity={"amount": "1", "unit": "t", "x": 1}), 422),
    ("mass assignment of owner", fill_body(trader_id="someone-else"), 422),
    ("negative quantity", fill_body(quantity={"amount": "-5", "unit": "t"}), 422),
    ("zero quantity", fill_body(quantity={"amount": 0, "unit": "t"}), 422),
    ("negative price", fill_body(unit_price={"amount": "-1", "per": "t"}), 422),
    ("too many decimals", fill_body(quantity={"amount": "1.0000001", "unit": "t"}), 422),
    ("huge number", fill_body(quantity={"amount": "1e400", "unit": "t"}), 422),
    ("huge string number", fill_body(quantity={"amount": "9" * 60, "unit": "t"}), 422),
    ("text for a number", fill_body(quantity={"amount": "forty", "unit": "t"}), 422),
    ("list for a number", fill_body(quantity={"amount": [40], "unit": "t"}), 422),
    ("boolean for a number", fill_body(quantity={"amount": True, "unit": "t"}), 422),
    ("missing field", {k: v for k, v in fill_body().items() if k != "lot_reference"}, 422),
    ("time without offset", fill_body(filled_at="2026-03-02T12:00:00"), 422),
    ("bad country", fill_body(origin_country="Australia"), 422),
    ("other currency", fill_body(unit_price={"amount": "1", "currency": "EUR", "per": "t"}), 422),
    ("control characters", fill_body(lot_reference="LOT\u0000\u202e1"), 422),
    ("a list body", b"[]", 422),
    ("bad JSON", b'{"mineral": "cobalt",', 400),
    ("not UTF-8", b'{"mineral": "\xff"}', 400),
    ("NaN", b'{"quantity": {"amount": NaN, "unit": "t"}}', 400),
    ("repeated key", b'{"mineral": "cobalt", "mineral": "nickel"}', 400),
    ("huge integer literal", ('{"quantity": {"amount": ' + "9" * 5000 + "}}").encode(), 422),
    ("deep nesting", b"[" * 50_000 + b"]" * 50_000, 400),
    ("nesting bomb under the cap", b'{"a":' * 20_000 + b"1" + b"}" * 20_000, 400),
    ("too large", fill_body(lot_reference="x" * 200_000), 413),
]


@pytest.mark.parametrize(("case", "body", "status"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_fills_get_a_clear_4xx_problem_and_book_nothing(
    gateway: Gateway, case: str, body: bytes | dict[str, object], status: int
) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    url = f"/v1/legs/{routed.leg_id}/fills"
    headers = trader_headers(key, unique("idem"))
    if isinstance(body, bytes):
        answer = await gateway.client.post(
            url, content=body, headers={**headers, "Content-Type": "application/json"}
        )
    else:
        answer = await gateway.client.post(url, json=body, headers=headers)
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == status
    assert "Traceback" not in answer.text
    await _nothing_booked(gateway, key, routed.leg_id, routed.order_id)


async def test_a_fill_without_an_idempotency_key_is_refused(gateway: Gateway) -> None:
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader)
    answer = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/fills", json=fill_body(), headers=trader_headers(key)
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "idempotency_key_missing")
    await _nothing_booked(gateway, key, routed.leg_id, routed.order_id)
