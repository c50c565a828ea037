"""Policy exceptions happen only under a program admin's recorded approval.

In replenishment a domestic offer 100% over the allied one ranks after it; approved
``over_premium_cap`` for one order, that order takes the domestic offer and its decision
record names the approval (who, when, why); an order without one still takes the allied.
Both orders wait on a one-dollar annual ceiling until both offers are in the book.
An approved ``excluded_origin`` buys an origin the phase excludes (never a sanctioned one)
and an approved ``non_primary_trader`` is mandated before the best-ranked specialist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.sourcing.repository import exceptions
from shared.contracts import AnnualCeilingSet, LegRouted, OrderStatusChanged
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

DEAR_HOME = Scene("manganese", alone=True)
REASON = "domestic processing capacity, programme board decision 2026-14"


def ceiling(usd: str, mineral: str = DEAR_HOME.mineral) -> AnnualCeilingSet:
    now = datetime.now(UTC)
    return AnnualCeilingSet(
        mineral=mineral,
        year=now.year,
        ceiling_usd=Decimal(usd),
        set_by="admin-test",
        set_at=now,
    )


async def test_an_approved_order_buys_domestic_beyond_the_cap_and_its_record_names_the_approval(
    sourcing: Sourcing, admin: dict[str, str]
) -> None:
    scene, home, ally = DEAR_HOME, unique("home"), unique("ally")
    approved, plain = unique("order"), unique("order")
    await sourcing.register(scene.trader(home), scene.trader(ally, rank=2))
    await sourcing.set_phase(scene.phase("replenishment"))
    await sourcing.send(ceiling("1"))
    await sourcing.until(
        "SELECT count(*) > 0 FROM annual_ceilings WHERE mineral = $1", scene.mineral
    )
    # Domestic at 200 is 100% over the allied 100 (cap 25%).
    await sourcing.publish(
        scene.offer(f"{home}-us", home, origin="US", quantity="200", price="200"),
        scene.offer(f"{ally}-ca", ally, origin="CA", quantity="200", price="100"),
    )
    for order_id in (approved, plain):
        await sourcing.request(scene.procurement(order_id, quantity="100"))
        (waiting,) = await sourcing.outputs.wait_for(order_id, OrderStatusChanged)
        assert waiting["reason"].startswith("annual_ceiling: manganese")

    path = f"/v1/admin/orders/{approved}/exceptions"
    body = {"kind": "over_premium_cap", "reason": REASON}
    stranger = {"Authorization": ""}  # the harness client calls as the admin by default
    assert (await sourcing.client.post(path, json=body, headers=stranger)).status_code == 401
    unknown = await sourcing.client.post(
        "/v1/admin/orders/no-such-order/exceptions", json=body, headers=admin
    )
    assert unknown.status_code == 404
    answer = await sourcing.client.post(path, json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    approval = answer.json()
    assert (approval["kind"], approval["reason"]) == ("over_premium_cap", REASON)
    assert approval["approved_by"]
    assert sourcing.outputs.of(approved, LegRouted) == []  # the ceiling still holds it

    await sourcing.send(ceiling("1000000"))
    (taken,) = await sourcing.outputs.wait_for(approved, LegRouted)
    assert (taken["offer_id"], taken["trader_id"]) == (f"{home}-us", home)
    (other,) = await sourcing.outputs.wait_for(plain, LegRouted)
    assert other["offer_id"] == f"{ally}-ca"

    story = await sourcing.order(approved)
    record = story["decisions"][-1]["record"]
    assert record["approvals"] == [
        {
            "kind": "over_premium_cap",
            "reason": REASON,
            "approved_by": approval["approved_by"],
            "approved_at": record["approvals"][0]["approved_at"],
        }
    ]
    assert record["best_allied_price"] == "100"
    plain_record = (await sourcing.order(plain))["decisions"][-1]["record"]
    assert "approvals" not in plain_record


RUSSIAN_ONLY = Scene("tungsten", alone=True)
SPECIALISTS = Scene("antimony", alone=True)


async def test_an_approved_origin_is_bought_for_its_order_and_a_sanctioned_one_never(
    sourcing: Sourcing, admin: dict[str, str]
) -> None:
    scene, house, order_id = RUSSIAN_ONLY, unique("house"), unique("order")
    await sourcing.register(scene.trader(house))
    await sourcing.set_phase(scene.phase("replenishment"))
    await sourcing.publish(scene.offer(f"{house}-ru", house, origin="RU", quantity="50"))
    await sourcing.request(scene.procurement(order_id, quantity="20"))
    (waiting,) = await sourcing.outputs.wait_for(order_id, OrderStatusChanged)
    assert waiting["status"] == "waiting"
    assert sourcing.outputs.of(order_id, LegRouted) == []

    path = f"/v1/admin/orders/{order_id}/exceptions"
    for subject, code in (("IR", "origin_not_approvable"), ("ru", None), ("", None)):
        refused = await sourcing.client.post(
            path, json={"kind": "excluded_origin", "subject": subject, "reason": REASON}
        )
        assert refused.status_code == 422, (subject, refused.text)
        if code:
            assert refused.json()["code"] == code
    answer = await sourcing.client.post(
        path, json={"kind": "excluded_origin", "subject": "RU", "reason": REASON}, headers=admin
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["subject"] == "RU"
    (leg,) = await sourcing.outputs.wait_for(order_id, LegRouted)
    assert (leg["offer_id"], leg["origin_country"]) == (f"{house}-ru", "RU")
    # The gateway takes a fill of RU on this leg: it is not among the leg's exclusions.
    assert "RU" not in leg["excluded_origins"]
    assert "BY" in leg["excluded_origins"]
    record = (await sourcing.order(order_id))["decisions"][-1]["record"]
    assert [(a["kind"], a["subject"]) for a in record["approvals"]] == [("excluded_origin", "RU")]

    # Withdrawn, it is kept with who, when and why, and no longer reaches a placement.
    listing = f"/v1/admin/orders/{order_id}/exceptions"
    withdrawal = {"kind": "excluded_origin", "subject": "RU", "reason": "sanctions widened"}
    done = await sourcing.client.post(f"{listing}/withdraw", json=withdrawal, headers=admin)
    assert done.status_code == 200, done.text
    assert (done.json()["withdrawn_reason"], done.json()["subject"]) == ("sanctions widened", "RU")
    again = await sourcing.client.post(f"{listing}/withdraw", json=withdrawal, headers=admin)
    assert again.status_code == 404
    [kept] = (await sourcing.client.get(listing, headers=admin)).json()["items"]
    assert kept["withdrawn_by"] == kept["approved_by"]
    assert kept["withdrawn_at"] >= kept["approved_at"]
    async with sourcing.service.transaction() as conn:
        assert await exceptions.of_orders(conn, [order_id]) == {}
    no_order = await sourcing.client.get("/v1/admin/orders/no-such-order/exceptions")
    assert no_order.status_code == 404


async def test_an_approved_trader_outside_the_ranking_is_mandated_first(
    sourcing: Sourcing, admin: dict[str, str]
) -> None:
    scene, best, chosen = SPECIALISTS, unique("best"), unique("chosen")
    plain, approved = unique("order"), unique("order")
    await sourcing.register(scene.trader(best, rank=1), scene.trader(chosen, rank=5))
    await sourcing.set_phase(scene.phase("initial_fill"))
    await sourcing.request(scene.procurement(plain, quantity="10", limit_price="100"))
    (first,) = await sourcing.outputs.wait_for(plain, LegRouted)
    assert first["trader_id"] == best

    # Held by a one-dollar ceiling while the approval is given; then routed by it.
    await sourcing.send(ceiling("1", scene.mineral))
    await sourcing.until(
        "SELECT count(*) > 0 FROM annual_ceilings WHERE mineral = $1", scene.mineral
    )
    path = f"/v1/admin/orders/{approved}/exceptions"
    body = {"kind": "non_primary_trader", "subject": chosen, "reason": REASON}
    assert (await sourcing.client.post(path, json=body, headers=admin)).status_code == 404
    await sourcing.request(scene.procurement(approved, quantity="10", limit_price="100"))
    (waiting,) = await sourcing.outputs.wait_for(approved, OrderStatusChanged)
    assert waiting["reason"].startswith("annual_ceiling")
    unknown = await sourcing.client.post(
        path, json={**body, "subject": "nobody-registered"}, headers=admin
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_trader")
    assert (await sourcing.client.post(path, json=body, headers=admin)).status_code == 201
    await sourcing.send(ceiling("1000000", scene.mineral))
    (routed,) = await sourcing.outputs.wait_for(approved, LegRouted)
    assert (routed["kind"], routed["trader_id"]) == ("mandate", chosen)
