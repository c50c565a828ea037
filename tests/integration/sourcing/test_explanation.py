"""Every decision can be read back: what was considered, which tier won, why cheaper lost."""

from __future__ import annotations

import httpx
import pytest

from services.sourcing.app import create_api
from shared.contracts import LegRouted, OrderStatusChanged
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import Sourcing, unique
from tests.support.access import ADMIN

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

EXPLAINED = Scene("neodymium")


async def test_the_order_record_explains_which_offers_were_considered_and_why_cheaper_lost(
    sourcing: Sourcing,
) -> None:
    scene = EXPLAINED
    home, ally, far = unique("home"), unique("ally"), unique("far")
    order_id, manufacturer = unique("order"), unique("maker")
    await sourcing.register(
        scene.trader(home), scene.trader(ally, rank=2), scene.trader(far, rank=3)
    )
    await sourcing.publish(
        scene.offer(f"{home}-us", home, origin="US", price="120"),
        scene.offer(f"{ally}-jp", ally, origin="JP", price="100"),
        scene.offer(f"{far}-cn", far, origin="CN", price="70"),
    )

    await sourcing.request(
        scene.procurement(order_id, kind="replenishment", manufacturer_id=manufacturer)
    )
    await sourcing.outputs.wait_for(order_id, LegRouted)

    order = await sourcing.order(order_id)
    why = order["explanation"]
    assert (why["phase"], why["policy_version"], why["trigger"]) == (
        "replenishment",
        "2026-03-01",
        "requested",
    )
    assert why["winning_tier"] == "domestic"
    assert (why["best_allied_price"], why["domestic_price_cap"]) == ("100", "125")
    considered = {c["offer_id"]: c for c in why["considered"]}
    assert set(considered) == {f"{home}-us", f"{ally}-jp", f"{far}-cn"}
    assert considered[f"{home}-us"]["outcome"] == "taken"
    assert [(c["offer_id"], c["reason"]) for c in why["cheaper_not_taken"]] == [
        (f"{far}-cn", "lower tier: domestic covers"),
        (f"{ally}-jp", "lower tier: domestic covers within cap"),
    ]
    assert "replenishment under policy 2026-03-01" in why["summary"]

    listed = await sourcing.client.get(
        "/v1/orders", params={"manufacturer_id": manufacturer, "status": "routed"}
    )
    assert listed.status_code == 200
    assert [o["order_id"] for o in listed.json()["items"]] == [order_id]


async def test_orders_are_listed_newest_first_page_by_page(sourcing: Sourcing) -> None:
    scene, manufacturer = EXPLAINED, unique("maker")
    order_ids = [unique("order") for _ in range(3)]
    for order_id in order_ids:
        await sourcing.request(
            scene.procurement(order_id, quantity="1", manufacturer_id=manufacturer)
        )
        await sourcing.outputs.wait_for(order_id, OrderStatusChanged)

    seen: list[str] = []
    cursor = None
    while True:
        params = {"manufacturer_id": manufacturer, "limit": "2"}
        if cursor:
            params["cursor"] = cursor
        page = (await sourcing.client.get("/v1/orders", params=params)).json()
        seen += [o["order_id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(order_ids))


async def test_the_api_is_served_beside_health_and_metrics(sourcing: Sourcing) -> None:
    app = sourcing.service.asgi(create_api(sourcing.service))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sourcing", headers=ADMIN
    ) as client:
        assert (await client.get("/health/ready")).status_code == 200
        missing = unique("order")
        absent = await client.get(f"/v1/orders/{missing}")
        assert absent.status_code == 404
        assert absent.headers["content-type"] == "application/problem+json"
        assert _problem(absent.json()) == (
            "not_found",
            "Not Found",
            404,
            "no such order",
            "urn:vault:problem:not_found",
        )
        lost = await client.get("/v1/orders", params={"status": "lost"})
        assert lost.status_code == 422
        assert (lost.json()["code"], lost.json()["field"]) == ("validation", "query.status")
        bad_cursor = await client.get("/v1/orders", params={"cursor": "x"})
        assert bad_cursor.status_code == 400
        assert (bad_cursor.json()["code"], bad_cursor.json()["field"]) == (
            "invalid_cursor",
            "cursor",
        )
        metrics = await client.get("/metrics")
        assert "vault_sourcing_orders" in metrics.text


async def test_the_api_documents_itself_under_v1(sourcing: Sourcing) -> None:
    document = await sourcing.client.get("/v1/openapi.json")

    assert document.status_code == 200
    paths = document.json()["paths"]
    assert set(paths) == {
        "/v1/orders",
        "/v1/orders/{order_id}",
        "/v1/ops/orders",
        "/v1/ops/orders/{order_id}/fills",
        "/v1/ops/waterfall",
        "/v1/reconciliation/legs",
        "/v1/reconciliation/orders",
        "/v1/reconciliation/anomalies",
        "/v1/admin/orders/{order_id}/exceptions",
        "/v1/admin/orders/{order_id}/exceptions/withdraw",
    }
    assert "404" in paths["/v1/orders/{order_id}"]["get"]["responses"]
    assert (await sourcing.client.get("/openapi.json")).status_code == 404


def _problem(body: dict[str, object]) -> tuple[object, ...]:
    return (body["code"], body["title"], body["status"], body["detail"], body["type"])
