"""Fills against treasury's reference price, on the real broker and database: every fill
records the reference in force and its deviation; beyond the mineral's tolerance it is
answered 202, emitted only once a program admin approves it, and its quantity is held on
the leg until then (never taken twice); rejected, or its leg closed, it frees it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from shared import topics
from shared.access import keys
from shared.codec import encode
from shared.contracts import Event, LegRouted, PriceToleranceSet, ReferencePriceSet, UnitPrice
from shared.envelope import new_event
from shared.http.auth import Role
from shared.http.context import utc_now
from tests.integration.trader_gateway.harness import Gateway, fill_body, trader_headers, unique
from tests.support.waiting import eventually

D = Decimal
REFERENCE = "32000"
INSIDE = "32800"  # +2.5%
BEYOND = "34560"  # +8%


async def _issue(gateway: Gateway, role: Role) -> dict[str, str]:
    plaintext, credential = keys.issue(f"test-{role}", role.value, utc_now())
    async with gateway.service.transaction() as conn:
        await gateway.service.credentials.save(conn, [credential])
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture(scope="module")
async def admin(gateway: Gateway) -> dict[str, str]:
    return await _issue(gateway, Role.PROGRAM_ADMIN)


@pytest.fixture(scope="module")
async def ops_reader(gateway: Gateway) -> dict[str, str]:
    return await _issue(gateway, Role.OPS_READ)


async def _priced_mineral(gateway: Gateway, tolerance: str | None = "0.05") -> str:
    """A mineral of the test's own, with treasury's reference (and tolerance) learnt."""
    mineral = "cobalt_" + unique("p").split("-")[1]
    now = datetime.now(UTC)
    sent: list[Event] = [
        ReferencePriceSet(
            mineral=mineral,
            effective_on=date(2020, 1, 1),
            price=UnitPrice(amount=D(REFERENCE), per="t"),
            source="LME",
            set_by="ops",
            set_at=now,
        )
    ]
    if tolerance is not None:
        sent.append(
            PriceToleranceSet(mineral=mineral, tolerance=D(tolerance), set_by="ops", set_at=now)
        )
    for payload in sent:
        event = new_event(payload, producer="treasury")
        await gateway.producer.send_and_wait(
            topics.TREASURY_PRICES, encode(event), key=mineral.encode()
        )

    async def learnt() -> bool:
        prices = await gateway.pool.fetchval(
            "SELECT count(*) FROM reference_prices WHERE mineral = $1", mineral
        )
        tolerances = await gateway.pool.fetchval(
            "SELECT count(*) FROM price_tolerances WHERE mineral = $1", mineral
        )
        return bool(prices == 1 and tolerances == (0 if tolerance is None else 1))

    await eventually(learnt, timeout_s=30, what=f"treasury's prices for {mineral}")
    return mineral


async def _leg_with_price(
    gateway: Gateway, quantity: str = "100", tolerance: str | None = "0.05"
) -> tuple[str, str, LegRouted]:
    mineral = await _priced_mineral(gateway, tolerance)
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(trader, quantity=quantity, limit=None, mineral=mineral)
    return mineral, key, routed


async def _fill(
    gateway: Gateway, key: str, leg_id: str, mineral: str, quantity: str, price: str
) -> httpx.Response:
    return await gateway.client.post(
        f"/v1/legs/{leg_id}/fills",
        json=fill_body(
            mineral=mineral,
            quantity={"amount": quantity, "unit": "t"},
            unit_price={"amount": price, "per": "t"},
        ),
        headers=trader_headers(key, unique("idem")),
    )


async def test_a_fill_inside_the_tolerance_is_final_with_its_reference_and_deviation(
    gateway: Gateway,
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    answer = await _fill(gateway, key, routed.leg_id, mineral, "40", INSIDE)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["reference_price"] == {"amount": REFERENCE, "currency": "USD", "per": "t"}
    assert D(body["deviation"]) == D("0.025")
    row = await gateway.pool.fetchrow(
        "SELECT reference_price, deviation, approved_by FROM fills WHERE fill_id = $1",
        body["fill_id"],
    )
    assert row is not None
    assert (row["reference_price"], row["deviation"], row["approved_by"]) == (
        D(REFERENCE),
        D("0.025"),
        None,
    )
    [event] = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert event["version"] == "1.2"
    assert D(event["payload"]["reference_price"]) == D(REFERENCE)
    assert D(event["payload"]["deviation"]) == D("0.025")


async def test_without_a_tolerance_the_deviation_is_recorded_and_the_fill_is_final(
    gateway: Gateway,
) -> None:
    mineral, key, routed = await _leg_with_price(gateway, tolerance=None)
    answer = await _fill(gateway, key, routed.leg_id, mineral, "40", BEYOND)
    assert answer.status_code == 201, answer.text
    assert D(answer.json()["deviation"]) == D("0.08")


async def test_beyond_the_tolerance_202_nothing_emitted_and_approval_confirms_it_once(
    gateway: Gateway, admin: dict[str, str]
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    headers = trader_headers(key, unique("idem"))
    body = fill_body(
        mineral=mineral,
        quantity={"amount": "40", "unit": "t"},
        unit_price={"amount": BEYOND, "per": "t"},
    )
    held = await gateway.client.post(f"/v1/legs/{routed.leg_id}/fills", json=body, headers=headers)
    assert held.status_code == 202, held.text
    pending = held.json()
    assert pending["status"] == "pending_approval"
    assert D(pending["deviation"]) == D("0.08")
    assert D(pending["tolerance"]) == D("0.05")
    assert pending["leg"]["pending_approval"] == {"amount": "40", "unit": "t"}
    assert pending["leg"]["filled"]["amount"] == "0"
    # The same key answers the same 202 (and holds nothing twice).
    again = await gateway.client.post(f"/v1/legs/{routed.leg_id}/fills", json=body, headers=headers)
    assert (again.status_code, again.json()["fill_id"]) == (202, pending["fill_id"])
    assert await gateway.outbox(routed.order_id) == []
    leg = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert leg.json()["pending_approval"]["amount"] == "40"

    approved = await gateway.client.post(
        f"/v1/admin/pending-fills/{pending['fill_id']}/approve",
        json={"reason": "spot spike confirmed with the desk"},
        headers=admin,
    )
    assert approved.status_code == 200, approved.text
    decided = approved.json()
    assert decided["status"] == "approved"
    assert decided["decided_by"] == "test-program_admin"
    assert decided["reason"] == "spot spike confirmed with the desk"
    twice = await gateway.client.post(
        f"/v1/admin/pending-fills/{pending['fill_id']}/approve",
        json={"reason": "again"},
        headers=admin,
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "not_pending")

    [event] = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    payload = event["payload"]
    assert (event["type"], payload["fill_id"]) == ("fill.confirmed", pending["fill_id"])
    assert payload["approved_by"] == "test-program_admin"
    assert (D(payload["leg_filled"]), D(payload["leg_remaining"])) == (D(40), D(60))
    assert D(payload["deviation"]) == D("0.08")
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed"]
    row = await gateway.pool.fetchrow(
        "SELECT approved_by, approved_at, approval_reason, deviation FROM fills WHERE fill_id = $1",
        pending["fill_id"],
    )
    assert row is not None
    assert row["approved_by"] == "test-program_admin"
    assert row["approved_at"] is not None
    assert row["approval_reason"] == "spot spike confirmed with the desk"
    leg = await gateway.client.get(f"/v1/legs/{routed.leg_id}", headers=trader_headers(key))
    assert (leg.json()["filled"]["amount"], leg.json()["pending_approval"]["amount"]) == ("40", "0")


async def test_a_rejected_fill_emits_nothing_frees_its_quantity_and_says_why(
    gateway: Gateway, admin: dict[str, str]
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    held = await _fill(gateway, key, routed.leg_id, mineral, "100", BEYOND)
    assert held.status_code == 202, held.text
    fill_id = held.json()["fill_id"]
    blocked = await _fill(gateway, key, routed.leg_id, mineral, "1", INSIDE)
    assert (blocked.status_code, blocked.json()["code"]) == (422, "over_fill")

    rejected = await gateway.client.post(
        f"/v1/admin/pending-fills/{fill_id}/reject",
        json={"reason": "above the market; re-quote"},
        headers=admin,
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"

    seen = await gateway.client.get(f"/v1/pending-fills/{fill_id}", headers=trader_headers(key))
    assert seen.status_code == 200
    assert (seen.json()["status"], seen.json()["reason"]) == (
        "rejected",
        "above the market; re-quote",
    )
    listed = await gateway.client.get(
        "/v1/pending-fills?status=rejected", headers=trader_headers(key)
    )
    assert [p["fill_id"] for p in listed.json()["items"]] == [fill_id]
    assert await gateway.outbox(routed.order_id) == []
    # The quantity is free again: the whole leg, at a price inside the tolerance.
    final = await _fill(gateway, key, routed.leg_id, mineral, "100", INSIDE)
    assert final.status_code == 201, final.text
    events = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert [e["payload"]["fill_id"] for e in events] == [final.json()["fill_id"]]


async def test_concurrent_fills_beside_a_pending_one_never_over_fill_the_leg(
    gateway: Gateway, admin: dict[str, str]
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    held = await _fill(gateway, key, routed.leg_id, mineral, "60", BEYOND)
    assert held.status_code == 202, held.text
    # 10 x 7 t at once against the 40 t not held: exactly 5 fit.
    answers = await asyncio.gather(
        *(_fill(gateway, key, routed.leg_id, mineral, "7", INSIDE) for _ in range(10))
    )
    assert sorted(a.status_code for a in answers) == [201] * 5 + [422] * 5
    decline = await gateway.client.post(
        f"/v1/legs/{routed.leg_id}/decline",
        json={"reason": "no more"},
        headers=trader_headers(key, unique("idem")),
    )
    assert (decline.status_code, decline.json()["code"]) == (409, "fill_pending")
    approved = await gateway.client.post(
        f"/v1/admin/pending-fills/{held.json()['fill_id']}/approve",
        json={"reason": "ok"},
        headers=admin,
    )
    assert approved.status_code == 200, approved.text
    row = await gateway.pool.fetchrow(
        "SELECT filled_quantity, pending_quantity, quantity FROM legs WHERE leg_id = $1",
        routed.leg_id,
    )
    assert row is not None
    assert (row["filled_quantity"], row["pending_quantity"]) == (D(95), D(0))
    booked = await gateway.pool.fetchval(
        "SELECT sum(quantity) FROM fills WHERE leg_id = $1", routed.leg_id
    )
    assert booked == D(95)
    events = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 6)
    assert [e["type"] for e in events] == ["fill.confirmed"] * 6
    assert D(events[-1]["payload"]["leg_filled"]) == D(95)


async def test_a_leg_cancelled_while_a_fill_is_pending_rejects_it_with_the_reason(
    gateway: Gateway, admin: dict[str, str]
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    held = await _fill(gateway, key, routed.leg_id, mineral, "30", BEYOND)
    assert held.status_code == 202, held.text
    await gateway.cancel_leg(routed)
    [closed] = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert closed["type"] == "leg.closed"
    assert (D(closed["payload"]["filled"]), D(closed["payload"]["undone"])) == (D(0), D(100))
    seen = await gateway.client.get(
        f"/v1/pending-fills/{held.json()['fill_id']}", headers=trader_headers(key)
    )
    assert seen.json()["status"] == "rejected"
    assert seen.json()["reason"] == "the leg closed (cancelled) before the fill was approved"
    late = await gateway.client.post(
        f"/v1/admin/pending-fills/{held.json()['fill_id']}/approve",
        json={"reason": "too late"},
        headers=admin,
    )
    assert (late.status_code, late.json()["code"]) == (409, "not_pending")
    assert await gateway.outbox(routed.order_id) == ["leg.closed"]


async def test_only_a_program_admin_decides_and_ops_read_the_queue(
    gateway: Gateway, admin: dict[str, str], ops_reader: dict[str, str]
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    held = await _fill(gateway, key, routed.leg_id, mineral, "10", BEYOND)
    fill_id = held.json()["fill_id"]
    url = f"/v1/admin/pending-fills/{fill_id}/approve"
    as_trader = await gateway.client.post(url, json={"reason": "x"}, headers=trader_headers(key))
    assert as_trader.status_code == 401
    as_ops = await gateway.client.post(url, json={"reason": "x"}, headers=ops_reader)
    assert as_ops.status_code == 403
    queue = await gateway.client.get("/v1/admin/pending-fills", headers=ops_reader)
    assert queue.status_code == 200
    assert fill_id in [p["fill_id"] for p in queue.json()["items"]]
    blank = await gateway.client.post(url, json={"reason": "   "}, headers=admin)
    assert blank.status_code == 422
    _other, other_key = await gateway.register_trader()
    hidden = await gateway.client.get(
        f"/v1/pending-fills/{fill_id}", headers=trader_headers(other_key)
    )
    assert hidden.status_code == 404


async def test_a_leg_expiring_while_a_fill_is_pending_rejects_it_and_leaves_it_all_undone(
    gateway: Gateway,
) -> None:
    mineral = await _priced_mineral(gateway)
    trader, key = await gateway.register_trader()
    routed = await gateway.route_leg(
        trader, limit=None, mineral=mineral, deadline=datetime.now(UTC) + timedelta(seconds=4)
    )
    held = await _fill(gateway, key, routed.leg_id, mineral, "30", BEYOND)
    assert held.status_code == 202, held.text
    [closed] = await gateway.recorder.wait_for(topics.TRADER_LEGS, routed.order_id, 1)
    assert (closed["type"], closed["payload"]["reason"]) == ("leg.closed", "expired")
    assert D(closed["payload"]["undone"]) == D(100)
    seen = await gateway.client.get(
        f"/v1/pending-fills/{held.json()['fill_id']}", headers=trader_headers(key)
    )
    assert (seen.json()["status"], seen.json()["reason"]) == (
        "rejected",
        "the leg closed (expired) before the fill was approved",
    )
    row = await gateway.pool.fetchrow(
        "SELECT status, pending_quantity FROM legs WHERE leg_id = $1", routed.leg_id
    )
    assert row is not None
    assert (row["status"], row["pending_quantity"]) == ("expired", D(0))


async def test_a_batch_answers_each_item_201_or_202_and_emits_only_the_final_ones(
    gateway: Gateway,
) -> None:
    mineral, key, routed = await _leg_with_price(gateway)
    item = {"leg_id": routed.leg_id}
    fills = [
        {
            **item,
            **fill_body(
                mineral=mineral,
                quantity={"amount": "50", "unit": "t"},
                unit_price={"amount": BEYOND, "per": "t"},
            ),
        },
        {
            **item,
            **fill_body(
                mineral=mineral,
                quantity={"amount": "50", "unit": "t"},
                unit_price={"amount": INSIDE, "per": "t"},
            ),
        },
        {
            **item,
            **fill_body(
                mineral=mineral,
                quantity={"amount": "1", "unit": "t"},
                unit_price={"amount": INSIDE, "per": "t"},
            ),
        },
    ]
    answer = await gateway.client.post(
        "/v1/fills/batch", json={"fills": fills}, headers=trader_headers(key, unique("idem"))
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r["status"] for r in body["results"]] == [202, 201, 422]
    assert (body["accepted"], body["pending"], body["refused"]) == (1, 1, 1)
    assert body["results"][0]["pending"]["status"] == "pending_approval"
    assert body["results"][2]["problem"]["code"] == "over_fill"
    assert await gateway.outbox(routed.order_id) == ["fill.confirmed"]
