"""The whole pipeline, driven from outside as its users drive it."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from shared import topics
from shared.contracts import DemandSubmitted
from tests.e2e.conftest import System, urls_of
from tests.support.kafka import read_all
from vault.scenario.actors import Ops
from vault.scenario.demo import Demo, DemoResult


def _legs(result: DemoResult, request_id: str) -> list[dict[str, Any]]:
    legs: list[dict[str, Any]] = result.stories[result.orders[request_id]]["legs"]
    return legs


async def test_every_demand_ends_filled(demo: tuple[Demo, DemoResult]) -> None:
    _, result = demo
    assert len(result.stories) == 6
    assert {s["status"] for s in result.stories.values()} == {"filled"}
    for story in result.stories.values():
        assert Decimal(story["filled"]) == Decimal(story["quantity"])


async def test_replenishment_takes_domestic_at_a_premium_within_the_cap_and_cascades_a_partial_fill(
    demo: tuple[Demo, DemoResult],
) -> None:
    _, result = demo
    first, cascade = _legs(result, "volta-co-001")
    # US at 36000 is 20% over the best allied price (AU 30000), within the 25% cap:
    # it wins over cheaper allied and other offers.
    assert (first["trader_id"], first["tier"], first["phase"]) == (
        "northstar-us",
        "domestic",
        "replenishment",
    )
    assert (Decimal(first["filled"]), first["status"]) == (Decimal(20), "declined")
    # The declined remainder goes down the waterfall to allied, not to the cheapest (CN).
    assert (cascade["trader_id"], cascade["tier"], cascade["cascaded_from"]) == (
        "austral-au",
        "allied",
        first["leg_id"],
    )
    assert Decimal(cascade["quantity"]) == Decimal(5)
    graphite = _legs(result, "helios-gr-001")
    assert [(leg["tier"], Decimal(leg["quantity"])) for leg in graphite] == [
        ("domestic", Decimal(20)),
        ("other", Decimal(10)),
    ]


async def test_initial_fill_takes_the_cheaper_sooner_offer_from_any_origin(
    demo: tuple[Demo, DemoResult],
) -> None:
    _, result = demo
    for request_id in ("volta-li-001", "helios-ga-001", "helios-nd-001"):
        [leg] = _legs(result, request_id)
        assert (leg["trader_id"], leg["origin_country"], leg["phase"]) == (
            "orient-cn",
            "CN",
            "initial_fill",
        )


async def test_a_release_replenishes_domestic_first(demo: tuple[Demo, DemoResult]) -> None:
    _, result = demo
    replenishment = result.stories[result.replenishment_order]
    assert replenishment["kind"] == "replenishment"
    assert replenishment["manufacturer_id"] == "volta-motors"
    assert Decimal(replenishment["quantity"]) == Decimal(5)
    assert replenishment["legs"][0]["tier"] == "domestic"


async def test_holdings_equal_the_confirmed_fills_minus_releases(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    scenario, result = demo
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for fill in result.fills:
        owner = result.stories[fill.order_id]["manufacturer_id"]
        expected[(fill.mineral, owner)] += fill.quantity
    expected[("cobalt", "volta-motors")] -= Decimal(result.release["quantity"])
    admin = {"Authorization": f"Bearer {system.admin_token}"}
    async with httpx.AsyncClient(base_url=system.url("inventory"), headers=admin) as http:
        rows = (await http.get("/v1/holdings", params={"group_by": "owner"})).json()["holdings"]
        check = (await http.get("/v1/check")).json()
    held = {
        (r["mineral"], r["owner"]): Decimal(str(r["quantity"]))
        for r in rows
        if r["owner"] in scenario.manufacturers  # other tests hold material too
    }
    assert held == dict(expected)
    assert check["agrees"] is True
    assert scenario.expected_holdings() == {
        m: sum(q for (m2, _), q in held.items() if m2 == m) for m in {m for m, _ in held}
    }


async def test_a_trader_cannot_see_or_fill_another_traders_leg(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    scenario, result = demo
    someone_elses = _legs(result, "volta-li-001")[0]["leg_id"]  # routed to orient-cn
    intruder = scenario.traders["northstar-us"]
    async with httpx.AsyncClient(base_url=system.url("trader_gateway")) as http:
        read = await http.get(f"/v1/legs/{someone_elses}", headers=intruder._auth)
    assert read.status_code == 404


async def test_an_order_can_be_followed_by_its_id_through_every_service_log(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    _, result = demo
    order_id = result.orders["volta-co-001"]
    for service in ("demand", "sourcing", "trader_gateway", "inventory"):
        lines = [json.loads(line) for line in system.logs(service).splitlines() if order_id in line]
        assert lines, f"{service} never logged {order_id}"
        assert all(line.get("service") == service for line in lines if "service" in line)


async def test_bad_demand_on_the_kafka_intake_is_rejected_with_a_published_reason(
    system: System,
) -> None:
    urls = urls_of(system)
    request_id = f"bad-{uuid.uuid4().hex[:8]}"
    demand = DemandSubmitted(
        manufacturer_id="volta-motors",
        request_id=request_id,
        mineral="unobtainium",
        quantity="-3",
        unit="t",
        deliver_by=(date.today() - timedelta(days=1)).isoformat(),
    )
    async with httpx.AsyncClient() as http:
        await Ops(http, urls).publish(demand)
    mine: list[dict[str, Any]] = []
    for _ in range(30):  # the answer comes back on the outcomes topic, as the sender reads it
        outcomes = await read_all(
            system.endpoints.bootstrap_servers, topics.DEMAND_OUTCOMES, 10**6, timeout_s=0.5
        )
        mine = [json.loads(v) for _, v in outcomes if request_id.encode() in v]
        if mine:
            break
    assert [m["type"] for m in mine] == ["demand.rejected"]
    codes = {r["code"] for r in mine[0]["payload"]["reasons"]}
    assert {"unknown_mineral", "quantity_not_positive", "deliver_by_not_in_future"} <= codes
