"""The ledger over the real database: append-only, balances rebuilt from it agree, CSV export."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import random
import sys
from decimal import Decimal

import asyncpg
import httpx
import pytest

from shared.service import Service
from tests.integration.inventory.helpers import book, fill_recorded, register_warehouse, uid


async def _lots_of(api: httpx.AsyncClient, owner: str) -> dict[str, tuple[str, Decimal]]:
    """lot id -> (warehouse, quantity held) for ``owner``."""
    rows = (await api.get("/v1/holdings", params={"owner": owner})).json()["holdings"]
    return {r["lot_id"]: (r["warehouse_id"], Decimal(r["quantity"])) for r in rows}


async def test_balances_rebuilt_from_a_random_sequence_of_movements_agree_with_live_ones(
    api: httpx.AsyncClient, bootstrap: str
) -> None:
    rng = random.Random(20260105)
    sites = [uid("wh") for _ in range(3)]
    makers = [uid("maker") for _ in range(2)]
    for site in sites:
        await register_warehouse(api, site)
    fills = [
        fill_recorded(
            manufacturer_id=makers[i % 2],
            warehouse_id=rng.choice(sites),
            quantity=str(rng.randint(5, 20)),
            hours=i,
        )
        for i in range(6)
    ]
    await book(api, bootstrap, fills)
    expected = {m: Decimal(0) for m in makers}
    for fill in fills:
        expected[fill.payload.manufacturer_id] += fill.payload.quantity.amount

    outcomes: dict[str, set[int]] = {"release": set(), "transfer": set(), "adjustment": set()}
    for step in range(36):
        maker = rng.choice(makers)
        lots = await _lots_of(api, maker)
        action = rng.choice(["release", "transfer", "adjustment"])
        quantity = Decimal(rng.randint(1, 120)) / 10
        if action == "release":
            answer = await api.post(
                "/v1/releases",
                json={
                    "manufacturer_id": maker,
                    "mineral": "cobalt",
                    "quantity": str(quantity),
                    "warehouse_id": rng.choice([None, *sites]),
                },
            )
            if answer.status_code == 201:
                expected[maker] -= quantity
        elif not lots:
            continue
        elif action == "transfer":
            lot_id = rng.choice(sorted(lots))
            answer = await api.post(
                "/v1/transfers",
                json={
                    "lot_id": lot_id,
                    "to_warehouse_id": rng.choice(sites),
                    "quantity": str(quantity),
                },
            )
        else:
            lot_id = rng.choice(sorted(lots))
            signed = quantity if rng.random() < 0.5 else -quantity
            answer = await api.post(
                "/v1/adjustments",
                json={
                    "lot_id": lot_id,
                    "quantity": str(signed),
                    "reason": f"stocktake step {step}",
                    "author": "ops@vault",
                },
            )
            if answer.status_code == 201:
                expected[maker] += signed
        assert answer.status_code in (201, 409), answer.text
        outcomes[action].add(answer.status_code)

    check = (await api.get("/v1/check")).json()
    assert check["agrees"] is True, check["discrepancies"]
    assert check["discrepancies"] == []
    for maker in makers:
        held = sum((q for _, q in (await _lots_of(api, maker)).values()), Decimal(0))
        assert held == expected[maker]
    # The sequence exercised both outcomes of releases (a seed that did not would prove less).
    assert outcomes["release"] == {201, 409}
    assert 201 in outcomes["transfer"]
    assert 201 in outcomes["adjustment"]


async def test_movements_cannot_be_edited_or_deleted(inventory: Service) -> None:
    async with inventory.pool.acquire() as conn:
        with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
            await conn.execute("UPDATE movements SET quantity = quantity * 2")
        with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
            await conn.execute("DELETE FROM movements")


async def test_holdings_export_as_csv_by_query_or_accept_header(
    api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_warehouse(api, site)
    await book(
        api,
        bootstrap,
        [
            fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="2.5"),
            fill_recorded(
                manufacturer_id=maker,
                warehouse_id=site,
                quantity="3",
                origin_country="AU",
                tier="allied",
            ),
        ],
    )
    by_query = await api.get(
        "/v1/holdings", params={"owner": maker, "group_by": "warehouse,tier", "format": "csv"}
    )
    by_header = await api.get(
        "/v1/holdings",
        params={"owner": maker, "group_by": "warehouse,tier"},
        headers={"accept": "text/csv"},
    )

    assert by_query.status_code == 200
    assert by_query.headers["content-type"].startswith("text/csv")
    assert by_query.text == by_header.text
    rows = list(csv.DictReader(io.StringIO(by_query.text)))
    assert [
        (r["mineral"], r["warehouse_id"], r["tier"], r["quantity"], r["unit"]) for r in rows
    ] == [
        ("cobalt", site, "allied", "3", "t"),
        ("cobalt", site, "domestic", "2.5", "t"),
    ]
    history = await api.get("/v1/minerals/cobalt/history", params={"format": "csv", "owner": maker})
    assert len(list(csv.DictReader(io.StringIO(history.text)))) == 2
    bad_group = await api.get("/v1/holdings", params={"group_by": "colour"})
    assert bad_group.status_code == 422


async def test_the_check_command_reports_a_live_balance_the_ledger_does_not_explain(
    inventory: Service, inventory_database: str, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_warehouse(api, site)
    fill = fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="5")
    await book(api, bootstrap, [fill])
    lot_id = f"lot:{fill.payload.fill_id}"
    tamper = "UPDATE balances SET quantity = quantity + $2 WHERE lot_id = $1"
    await inventory.pool.execute(tamper, lot_id, Decimal(1))
    try:
        command = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.inventory",
            "check",
            env={**os.environ, "DATABASE_URL": inventory_database},
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await command.communicate()
        report = (await api.get("/v1/check")).json()
    finally:
        await inventory.pool.execute(tamper, lot_id, Decimal(-1))

    assert command.returncode == 1
    assert json.loads(out)["agrees"] is False
    assert report["agrees"] is False
    [mismatch] = report["discrepancies"]
    assert (mismatch["kind"], mismatch["lot_id"]) == ("balance_mismatch", lot_id)
    assert (mismatch["live"], mismatch["rebuilt"]) == ("6", "5")
    assert (await api.get("/v1/check")).json()["agrees"] is True
