"""Issue 16, participation in-process on the real Kafka and PostgreSQL: who may set the book,
agreements versioned, disruptions one at a time, pacing asking within the policy, obligations
opened by a draw and closed by the replenishment's receipts, coverage read back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from services.participation.app import create_api, create_service
from services.participation.context import Participation
from services.participation.handlers import learn, obligations
from services.participation.handlers.pace_commitments import pace_once
from shared.access import keys
from shared.contracts import HoldingsUpdated, ProcurementRequested, ReleasePerformed
from shared.contracts.common import Quantity
from shared.envelope import new_event
from shared.service import Service
from shared.settings import ServiceSettings
from tests.support.databases import fresh_database
from vault.infra.launcher import Endpoints

MINERAL = "niobium"


@pytest.fixture(scope="module")
async def participation(infra: Endpoints) -> AsyncIterator[Service]:
    async with fresh_database(infra, "t_participation_") as url:
        settings = ServiceSettings(
            kafka_bootstrap_servers=infra.bootstrap_servers,
            database_url=url,
            outbox_poll_s=0.1,
            # The tests read what was written to the outbox: published rows stay a day.
            outbox_retention_s=86_400,
        )
        service = create_service(settings)
        await service.start()
        try:
            yield service
        finally:
            await service.stop()


@pytest.fixture
async def client(participation: Service) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_api(participation))
    async with httpx.AsyncClient(transport=transport, base_url="http://p") as client:
        yield client


async def key(service: Service, role: str, subject: str | None = None) -> dict[str, str]:
    plaintext, credential = keys.issue(
        f"test:{uuid.uuid4().hex[:8]}", role, datetime.now(UTC), subject=subject
    )
    async with service.transaction() as conn:
        await service.credentials.save(conn, [credential])
    return {"Authorization": f"Bearer {plaintext}"}


def agreement(committed: str, share: str = "0.5") -> dict[str, Any]:
    today = date.today()
    return {
        "effective_from": today.isoformat(),
        "terms": [
            {
                "mineral": MINERAL,
                "unit": "t",
                "committed_quantity": committed,
                "set_price": "45000",
                "period_start": today.isoformat(),
                "period_end": (today + timedelta(days=365)).isoformat(),
                "consumption_per_day": "2",
                "disruption_pool_share": share,
            }
        ],
    }


async def outbox_types(service: Service, key_: str) -> list[str]:
    rows = await service.pool.fetch(
        "SELECT headers->>'event_type' AS type FROM outbox WHERE key = $1 ORDER BY id", key_
    )
    return [row["type"] for row in rows]


async def test_only_a_program_admin_sets_an_agreement_and_each_is_a_new_version(
    participation: Service, client: httpx.AsyncClient
) -> None:
    maker = f"maker-{uuid.uuid4().hex[:8]}"
    url = f"/v1/agreements/{maker}"
    assert (await client.put(url, json=agreement("10"))).status_code == 401
    reader = await key(participation, "ops_read")
    assert (await client.put(url, json=agreement("10"), headers=reader)).status_code == 403
    admin = await key(participation, "program_admin")
    first = await client.put(url, json=agreement("10"), headers=admin)
    second = await client.put(url, json=agreement("12"), headers=admin)
    assert (first.status_code, first.json()["version"]) == (201, 1)
    assert second.json()["version"] == 2
    assert await outbox_types(participation, maker) == ["agreement.set", "agreement.set"]
    shown = (await client.get(url, headers=reader)).json()
    assert [v["version"] for v in shown["versions"]] == [2, 1]
    # A manufacturer reads its own, never another's.
    own = await key(participation, "manufacturer", subject=maker)
    other = await key(participation, "manufacturer", subject="someone-else")
    assert (await client.get(url, headers=own)).status_code == 200
    assert (await client.get(url, headers=other)).status_code == 404
    wrong = agreement("1")
    wrong["terms"][0]["unit"] = "kg"
    answer = await client.put(url, json=wrong, headers=admin)
    assert (answer.status_code, answer.json()["code"]) == (422, "wrong_unit")


async def test_a_disruption_is_declared_once_and_ended_once(
    participation: Service, client: httpx.AsyncClient
) -> None:
    admin = await key(participation, "program_admin")
    mineral = "tungsten"
    first = await client.post("/v1/disruptions", json={"mineral": mineral}, headers=admin)
    again = await client.post("/v1/disruptions", json={"mineral": mineral}, headers=admin)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["disruption_id"] == again.json()["disruption_id"]
    assert (await client.post(f"/v1/disruptions/{mineral}/end", headers=admin)).status_code == 200
    assert (await client.post(f"/v1/disruptions/{mineral}/end", headers=admin)).status_code == 404
    assert await outbox_types(participation, mineral) == ["disruption.declared", "disruption.ended"]


async def test_pacing_asks_within_the_policy_and_counts_what_it_asked(
    participation: Service, client: httpx.AsyncClient
) -> None:
    admin = await key(participation, "program_admin")
    maker = f"maker-{uuid.uuid4().hex[:8]}"
    await client.put(f"/v1/agreements/{maker}", json=agreement("40"), headers=admin)
    ctx: Participation = participation.context
    asked = [a for a in await pace_once(ctx) if a.manufacturer_id == maker]
    # The default policy: a quarter of the mineral's book a pass.
    assert len(asked) == 1
    assert asked[0].quantity.amount <= Decimal(10)
    assert asked[0].limit_price.amount == Decimal(45000)
    reader = await key(participation, "ops_read")
    [row] = (
        await client.get("/v1/commitments", params={"manufacturer_id": maker}, headers=reader)
    ).json()["items"]
    assert Decimal(row["requested"]) == asked[0].quantity.amount
    assert Decimal(row["uncovered"]) == Decimal(40) - asked[0].quantity.amount


async def test_a_draw_opens_an_obligation_that_the_replenishments_receipt_closes(
    participation: Service, client: httpx.AsyncClient
) -> None:
    ctx: Participation = participation.context
    maker = f"maker-{uuid.uuid4().hex[:8]}"
    release = ReleasePerformed(
        release_id="r-1",
        manufacturer_id=maker,
        mineral=MINERAL,
        quantity=Quantity(amount=Decimal(5), unit="t"),
        lots=["lot-1"],
        replenishment_request_id="replenish-r-1",
        deliver_by=date.today() - timedelta(days=1),  # already overdue
    )
    order_id = f"ord-{uuid.uuid4().hex[:8]}"
    ordered = ProcurementRequested(
        order_id=order_id,
        manufacturer_id=maker,
        request_id="replenish-r-1",
        mineral=MINERAL,
        market="alloying_metals",
        quantity=Quantity(amount=Decimal(5), unit="t"),
        deliver_by=date.today() + timedelta(days=30),
        kind="replenishment",
    )
    received = HoldingsUpdated(
        movement_id=f"m-{order_id}",
        kind="receipt",
        mineral=MINERAL,
        warehouse_id="wh",
        lot_id=f"lot-{order_id}",
        owner=maker,
        origin_country="US",
        tier="domestic",
        delta=Decimal(5),
        unit="t",
        balance=Decimal(5),
        order_id=order_id,
    )
    async with participation.transaction() as conn:
        await obligations.releases_performed(conn, [new_event(release, producer="t")], ctx=ctx)
    reader = await key(participation, "ops_read")
    params = {"manufacturer_id": maker, "status": "overdue"}
    [owed] = (await client.get("/v1/obligations", params=params, headers=reader)).json()["items"]
    assert (owed["status"], Decimal(owed["quantity"])) == ("overdue", Decimal(5))
    async with participation.transaction() as conn:
        await learn.orders_requested(conn, [new_event(ordered, producer="t")], ctx=ctx)
        await learn.holdings_updated(conn, [new_event(received, producer="t")], ctx=ctx)
    params["status"] = "closed"
    [closed] = (await client.get("/v1/obligations", params=params, headers=reader)).json()["items"]
    assert (closed["order_ids"], Decimal(closed["received"])) == ([order_id], Decimal(5))
    assert closed["overdue"] is True
    assert await outbox_types(participation, "r-1") == ["obligation.created", "obligation.closed"]
