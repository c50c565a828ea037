"""Physical receipts apart from title (issue 17): a custodian's arrivals on the real database."""

from __future__ import annotations

from typing import Any

import httpx

from shared.access import keys
from shared.http.auth import Role
from shared.http.context import utc_now
from shared.service import Service
from tests.integration.inventory.helpers import book, fill_recorded, register_warehouse, uid
from vault.infra.launcher import Endpoints


async def key(inventory: Service, role: Role, subject: str | None = None) -> dict[str, str]:
    plaintext, credential = keys.issue(f"test-{role}", role.value, utc_now(), subject=subject)
    async with inventory.transaction() as conn:
        await inventory.credentials.save(conn, [credential])
    return {"Authorization": f"Bearer {plaintext}"}


def arrival(fill_id: str, warehouse: str, weighed: str, reason: str = "") -> dict[str, Any]:
    return {
        "arrival_id": uid("arr"),
        "fill_id": fill_id,
        "warehouse_id": warehouse,
        "weighed_quantity": weighed,
        "unit": "t",
        "arrived_on": "2026-03-09",
        "grade": "99.8% Co",
        "assay": {"Co": "99.8", "Ni": "0.05"},
        "variance_reason": reason,
    }


async def test_arrivals_apart_from_title_with_a_short_weight_variance(
    infra: Endpoints, inventory: Service, api: httpx.AsyncClient
) -> None:
    warehouse = uid("wh")
    await register_warehouse(api, warehouse)
    manufacturer = uid("m")
    full, short, unarrived = (
        fill_recorded(manufacturer_id=manufacturer, warehouse_id=warehouse, quantity=q)
        for q in ("20", "10", "5")
    )
    await book(api, infra.bootstrap_servers, [full, short, unarrived])
    custodian = await key(inventory, Role.CUSTODIAN, warehouse)
    other_custodian = await key(inventory, Role.CUSTODIAN, "someone-elses")
    ops = await key(inventory, Role.OPS_READ)

    body = arrival(full.payload.fill_id, warehouse, "20")
    no_key = {"Authorization": ""}  # the test client calls as the admin by default
    assert (await api.post("/v1/arrivals", json=body, headers=no_key)).status_code == 401
    assert (await api.post("/v1/arrivals", json=body, headers=ops)).status_code == 403
    assert (await api.post("/v1/arrivals", json=body, headers=other_custodian)).status_code == 403
    first = await api.post("/v1/arrivals", json=body, headers=custodian)
    assert first.status_code == 201, first.text
    assert (await api.post("/v1/arrivals", json=body, headers=custodian)).status_code == 200

    no_reason = await api.post(
        "/v1/arrivals", json=arrival(short.payload.fill_id, warehouse, "9.6"), headers=custodian
    )
    assert no_reason.json()["code"] == "variance_needs_reason"
    weighed_short = await api.post(
        "/v1/arrivals",
        json=arrival(short.payload.fill_id, warehouse, "9.6", "short weight at the weighbridge"),
        headers=custodian,
    )
    assert weighed_short.status_code == 201
    assert weighed_short.json()["variance"] == "0.4"
    stranger = uid("fill")
    unmatched = await api.post(
        "/v1/arrivals", json=arrival(stranger, warehouse, "3"), headers=custodian
    )
    assert unmatched.status_code == 201

    async def items(path: str) -> list[dict[str, Any]]:
        answer = await api.get(path, headers=ops)
        assert answer.status_code == 200, answer.text
        rows: list[dict[str, Any]] = answer.json()["items"]
        return rows

    assert [
        r["fill_id"]
        for r in await items("/v1/arrivals/unreceived")
        if r["warehouse_id"] == warehouse
    ] == [unarrived.payload.fill_id]
    assert stranger in [r["fill_id"] for r in await items("/v1/arrivals/unmatched")]
    [variance] = [
        r for r in await items("/v1/arrivals/variances") if r["warehouse_id"] == warehouse
    ]
    assert (variance["titled"], variance["weighed"], variance["variance"]) == ("10", "9.6", "0.4")
    [line] = [r for r in await items("/v1/holdings/physical") if r["warehouse_id"] == warehouse]
    assert line == {
        "mineral": "cobalt",
        "warehouse_id": warehouse,
        "unit": "t",
        "titled": "35",
        "in_transit": "5",
        "received_title": "30",
        "variances": "0.4",
        "physical": "29.6",
    }
    csv = await api.get("/v1/arrivals/variances", params={"format": "csv"}, headers=ops)
    assert csv.text.splitlines()[0].startswith("arrival_id,fill_id,warehouse_id,lot_id")
