"""Issue 17's approvals from outside: fills against a reference price (one inside the
tolerance, two beyond it: one approved, one rejected) and a beyond-cap domestic purchase
under a program admin's recorded approval.

Every process is a real one (``tests/e2e/conftest.py``, the secure Kafka profile and API
keys from access); the test has a mineral, trader, warehouse and offers of its own, and
drives treasury, the gateway, demand, sourcing and inventory only over HTTP (and Kafka for
the program phase). The figures are printed (run with -s) and asserted.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared import topics
from shared.contracts import Phase, PhaseSet
from shared.kafka_security import client_kwargs
from tests.e2e.conftest import System, issue_key, sign_in_to_console, urls_of
from tests.e2e.test_cli import _documents, vault
from vault.scenario.actors import Ops, Trader, _check, eventually

D = Decimal

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PRICED = "niobium"  # no other e2e test trades it: its reference and tolerance are this test's
CAPPED = "tungsten"  # nor this one: its ceiling and phase are this test's
REFERENCE = "36000"
TOLERANCE = "0.10"
APPROVAL_REASON = "domestic APT capacity, programme board decision 2026-17"


def show(title: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2)
    print(f"\n=== {title}\n{text}")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _keys(http: httpx.AsyncClient, system: System, run: str) -> tuple[str, str]:
    """A program admin's and an ops reader's key from access, once every service used knows them."""
    urls = urls_of(system)
    admin = await issue_key(http, urls, "ops", f"money-admin-{run}", "program_admin")
    reader = await issue_key(http, urls, "ops", f"money-reader-{run}", "ops_read")

    async def known() -> bool:
        for key in (admin, reader):
            for url in (
                f"{system.url('treasury')}/v1/tolerances",
                f"{system.url('trader_gateway')}/v1/admin/pending-fills",
                f"{system.url('sourcing')}/v1/orders?manufacturer_id=nobody-{run}",
                f"{system.url('inventory')}/v1/arrivals/unreceived",
            ):
                if (await http.get(url, headers=bearer(key))).status_code == 401:
                    return False
        return True

    await eventually(known, "treasury, the gateway, sourcing and inventory to learn the keys", 90)
    return admin, reader


async def _demand(
    http: httpx.AsyncClient, system: System, maker: str, mineral: str, quantity: str, limit: str
) -> str:
    """Demand as the program admin on the manufacturer's behalf."""
    body = {
        "manufacturer_id": maker,
        "request_id": f"req-{uuid.uuid4().hex[:10]}",
        "mineral": mineral,
        "quantity": quantity,
        "unit": "t",
        "max_unit_price": limit,
        "deliver_by": (date.today() + timedelta(days=90)).isoformat(),
    }
    answer = await http.post(
        f"{system.url('demand')}/v1/demands", json=body, headers=bearer(system.admin_token)
    )
    return str(_check(answer, 202)["order_id"])


async def _fill(
    http: httpx.AsyncClient, system: System, key: str, leg: dict[str, Any], qty: str, price: str
) -> httpx.Response:
    body = {
        "mineral": leg["mineral"],
        "quantity": {"amount": qty, "unit": "t"},
        "unit_price": {"amount": price, "currency": "USD", "per": "t"},
        "origin_country": leg["origin_country"],
        "warehouse_id": leg["warehouse_id"],
        "lot_reference": f"lot-{uuid.uuid4().hex[:10]}",
        "filled_at": datetime.now(UTC).isoformat(),
    }
    return await http.post(
        f"{system.url('trader_gateway')}/v1/legs/{leg['leg_id']}/fills",
        json=body,
        headers={**bearer(key), "Idempotency-Key": uuid.uuid4().hex},
    )


async def _published(ops: Ops, topic: str) -> int:
    """How many records ``topic`` holds now, over its partitions."""
    security = client_kwargs(ops.urls.kafka)
    admin = AIOKafkaAdminClient(bootstrap_servers=ops.urls.bootstrap_servers, **security)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=ops.urls.bootstrap_servers, group_id=None, **security
    )
    await admin.start()
    await consumer.start()
    try:
        described = await admin.describe_topics([topic])
        partitions = [
            TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]
        ]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()
        await admin.close()


async def _learnt(ops: Ops, group: str, topic: str, at_least: int) -> bool:
    """Whether ``topic`` holds ``at_least`` records and ``group`` has consumed them all."""
    try:
        return await _published(ops, topic) >= at_least and await ops.consumed(group, (topic,))
    except Exception as exc:  # a group or topic not yet described: not learnt yet
        print(f"  ({group} on {topic}: {exc!r})")
        return False


async def test_fills_beyond_the_tolerance_and_a_beyond_cap_purchase_need_an_approval(
    system: System,
) -> None:
    run = uuid.uuid4().hex[:8]
    year = datetime.now(UTC).year
    async with httpx.AsyncClient(timeout=20) as http:
        urls = urls_of(system)
        ops = Ops(http, urls)
        admin, reader = await _keys(http, system, run)
        treasury = system.url("treasury")

        # --- 1. A reference price and a tolerance for niobium, set by a program admin.
        prices_before = await _published(ops, topics.TREASURY_PRICES)
        price = _check(
            await http.post(
                f"{treasury}/v1/reference-prices",
                json={
                    "mineral": PRICED,
                    "effective_on": (date.today() - timedelta(days=7)).isoformat(),
                    "price": REFERENCE,
                    "unit": "t",
                    "source": f"e2e ferroniobium assessment {run}",
                },
                headers=bearer(admin),
            ),
            200,
            201,
        )
        tolerance = _check(
            await http.put(
                f"{treasury}/v1/tolerances/{PRICED}",
                json={"tolerance": TOLERANCE},
                headers=bearer(admin),
            ),
            200,
        )
        show("treasury reference price set", price)
        show("treasury tolerance set", tolerance)
        # An ops reader may not set one.
        refused = await http.put(
            f"{treasury}/v1/tolerances/{PRICED}", json={"tolerance": "5"}, headers=bearer(reader)
        )
        assert refused.status_code == 403

        trader_id, warehouse = f"alloy-house-{run}", f"wh-alloy-{run}"
        trader_key = await ops.register_trader(trader_id, "Alloy House", ("alloying_metals",), 1)
        await ops.register_warehouse(warehouse, "Alloy store", "owned", "Butte, MT, US", "Vault")
        trader = Trader(http, urls, trader_id, trader_key, "US")
        offers_before = await _published(ops, topics.TRADER_OFFERS)
        await trader.offer(PRICED, "US", "100", "t", "40000", warehouse, 5)
        await eventually(
            lambda: _learnt(ops, "sourcing", topics.TRADER_OFFERS, offers_before + 1),
            "sourcing to take in the offer",
            120,
        )
        maker = f"maker-money-{run}"
        order_id = await _demand(http, system, maker, PRICED, "30", "40000")

        async def the_leg() -> dict[str, Any] | None:
            legs = [leg for leg in await trader.open_legs() if leg["order_id"] == order_id]
            return legs[0] if legs else None

        leg = await eventually(the_leg, "the niobium leg to reach the trader", 120)
        # The gateway must know the reference before anything is filled.
        await eventually(
            lambda: _learnt(ops, "trader_gateway", topics.TREASURY_PRICES, prices_before + 2),
            "the gateway to learn treasury's reference and tolerance",
            120,
        )

        # Inside (38,000 is 5.6% over 36,000): booked at once, reference and deviation kept.
        inside = await _fill(http, system, trader_key, leg, "10", "38000")
        assert inside.status_code == 201, inside.text
        # Beyond (40,000 is 11.1% over; 30,000 is 16.7% under): pending, not refused.
        over = await _fill(http, system, trader_key, leg, "10", "40000")
        under = await _fill(http, system, trader_key, leg, "10", "30000")
        assert (over.status_code, under.status_code) == (202, 202), (over.text, under.text)
        booked, held_over, held_under = inside.json(), over.json(), under.json()
        show(
            "fills against the reference",
            [
                {
                    "status": code,
                    "unit_price": f["unit_price"]["amount"],
                    "reference": f["reference_price"]["amount"],
                    "deviation": f["deviation"],
                    **(
                        {"pending": f["status"], "tolerance": f["tolerance"]}
                        if "status" in f
                        else {}
                    ),
                }
                for code, f in ((201, booked), (202, held_over), (202, held_under))
            ],
        )
        assert D(booked["reference_price"]["amount"]) == D(REFERENCE)
        assert D(booked["deviation"]) == (D(38000) - D(36000)) / D(36000)
        assert D(booked["deviation"]).quantize(D("0.0001")) == D("0.0556")
        for held in (held_over, held_under):
            assert held["status"] == "pending_approval"
            assert D(held["reference_price"]["amount"]) == D(REFERENCE)
            assert D(held["tolerance"]) == D(TOLERANCE)
        assert D(held_over["deviation"]).quantize(D("0.0001")) == D("0.1111")
        assert D(held_under["deviation"]).quantize(D("0.0001")) == D("-0.1667")

        gateway = system.url("trader_gateway")
        on_leg = _check(
            await http.get(f"{gateway}/v1/legs/{leg['leg_id']}", headers=bearer(trader_key)), 200
        )
        assert D(on_leg["pending_approval"]["amount"]) == 20
        assert D(on_leg["remaining"]["amount"]) == 20

        # The console's Money page shows both, with their deviation, to an ops reader.
        await sign_in_to_console(http, system, reader)

        async def console_shows_them() -> str | None:
            html = (await http.get(f"{system.url('console')}/money")).text
            shown = all(h["fill_id"] in html for h in (held_over, held_under))
            return html if shown else None

        html = await eventually(console_shows_them, "the console's Money page", 30)
        assert "+11.1%" in html
        assert "-16.7%" in html

        decide = f"{gateway}/v1/admin/pending-fills"
        # Only a program admin decides.
        assert (
            await http.post(
                f"{decide}/{held_over['fill_id']}/approve",
                json={"reason": "x"},
                headers=bearer(reader),
            )
        ).status_code == 403
        approved = _check(
            await http.post(
                f"{decide}/{held_over['fill_id']}/approve",
                json={"reason": "spot premium confirmed with the desk"},
                headers=bearer(admin),
            ),
            200,
        )
        # Ops on the command line: the held fill is listed with its deviation, then rejected.
        code, listed = await vault(system, "trader", "pending")
        print(listed)
        assert code == 0, listed
        [line] = [x for x in listed.splitlines() if x.startswith(held_under["fill_id"])]
        assert "pending_approval" in line
        assert "-16.7%" in line
        assert held_over["fill_id"] not in listed  # approved a moment ago
        code, out = await vault(
            system,
            "trader",
            "reject",
            held_under["fill_id"],
            "--reason",
            "distressed price, no assay: not buying this lot",
        )
        assert code == 0, out
        [rejected] = _documents(out)
        after = _check(
            await http.get(f"{gateway}/v1/legs/{leg['leg_id']}", headers=bearer(trader_key)), 200
        )
        show(
            "decisions",
            [
                {k: d[k] for k in ("fill_id", "status", "deviation", "decided_by", "reason")}
                for d in (approved, rejected)
            ],
        )
        show(
            "the leg after them",
            {
                k: after[k]
                for k in ("status", "quantity", "filled", "remaining", "pending_approval")
            },
        )
        assert (approved["status"], rejected["status"]) == ("approved", "rejected")
        assert approved["decided_by"]
        assert rejected["decided_by"]
        # The rejected quantity is free again; the approved one counts.
        assert D(after["filled"]["amount"]) == 20
        assert D(after["remaining"]["amount"]) == 10
        assert D(after["pending_approval"]["amount"]) == 0

        async def holdings() -> list[dict[str, Any]] | None:
            rows = _check(
                await http.get(
                    f"{system.url('inventory')}/v1/holdings",
                    params={"owner": maker, "mineral": PRICED},
                    headers=bearer(reader),
                ),
                200,
            )["holdings"]
            held = sum((D(str(r["quantity"])) for r in rows), D(0))
            return list(rows) if held == 20 else None

        rows = await eventually(holdings, "inventory to book the inside and approved fills", 120)
        show("inventory holdings of the niobium order", rows)

        async def sourcing_order(oid: str, probe: Any) -> dict[str, Any] | None:
            answer = await http.get(
                f"{system.url('sourcing')}/v1/orders/{oid}", headers=bearer(reader)
            )
            found: dict[str, Any] | None = answer.json() if answer.status_code == 200 else None
            return found if found is not None and probe(found) else None

        order = await eventually(
            lambda: sourcing_order(order_id, lambda o: D(o["filled"]) == 20),
            "sourcing to count the approved fill",
            120,
        )
        fill_ids = {f["fill_id"] for f in order["fills"]}
        show("sourcing's niobium order", {k: order[k] for k in ("filled", "on_legs", "open")})
        assert fill_ids == {booked["fill_id"], held_over["fill_id"]}
        assert held_under["fill_id"] not in fill_ids

        # --- 2. A beyond-cap domestic purchase, only under a recorded approval.
        ceilings_before = await _published(ops, topics.TREASURY_CEILINGS)
        offers_before = await _published(ops, topics.TRADER_OFFERS)
        await ops.publish(
            PhaseSet(mineral=CAPPED, phase=Phase.REPLENISHMENT, set_by="e2e", reason="money e2e")
        )
        _check(
            await http.put(
                f"{treasury}/v1/ceilings/{CAPPED}/{year}",
                json={"ceiling_usd": "1"},
                headers=bearer(admin),
            ),
            200,
        )
        # Domestic at 2,000 is 100% over the allied 1,000 (cap 25%).
        home = await trader.offer(CAPPED, "US", "50", "t", "2000", warehouse, 5)
        ally = await trader.offer(CAPPED, "AU", "50", "t", "1000", warehouse, 5)
        await eventually(
            lambda: _learnt(ops, "sourcing", topics.TREASURY_CEILINGS, ceilings_before + 1),
            "sourcing to learn the one-dollar ceiling",
            120,
        )
        await eventually(
            lambda: _learnt(ops, "sourcing", topics.PROGRAM_PHASES, 1),
            "sourcing to learn the phase",
            120,
        )
        await eventually(
            lambda: _learnt(ops, "sourcing", topics.TRADER_OFFERS, offers_before + 2),
            "sourcing to take in the offers",
            120,
        )
        capped = await _demand(http, system, maker, CAPPED, "10", "3000")
        waiting = await eventually(
            lambda: sourcing_order(capped, lambda o: o["reason"].startswith("annual_ceiling")),
            "the tungsten order to wait on the annual ceiling",
            120,
        )
        show("the tungsten order waits", {k: waiting[k] for k in ("status", "open", "reason")})
        assert waiting["legs"] == []
        assert waiting["reason"].startswith(f"annual_ceiling: {CAPPED} {year} ceiling 1 USD")

        exception = _check(
            await http.post(
                f"{system.url('sourcing')}/v1/admin/orders/{capped}/exceptions",
                json={"kind": "over_premium_cap", "reason": APPROVAL_REASON},
                headers=bearer(admin),
            ),
            201,
        )
        show("policy exception recorded", exception)
        _check(
            await http.put(
                f"{treasury}/v1/ceilings/{CAPPED}/{year}",
                json={"ceiling_usd": "1000000000"},
                headers=bearer(admin),
            ),
            200,
        )
        routed = await eventually(
            lambda: sourcing_order(capped, lambda o: bool(o["legs"])),
            "the tungsten order to be routed once the ceiling is raised",
            120,
        )
        [taken] = routed["legs"]
        record = routed["decisions"][-1]["record"]
        show(
            "the tungsten decision",
            {
                "trigger": routed["decisions"][-1]["trigger"],
                "leg": {k: taken[k] for k in ("offer_id", "tier", "origin_country", "unit_price")},
                "best_allied_price": record.get("best_allied_price"),
                "winning_tier": record.get("winning_tier"),
                "approvals": record.get("approvals"),
            },
        )
        assert (taken["offer_id"], taken["tier"]) == (home["offer_id"], "domestic")
        assert (routed["decisions"][-1]["trigger"], record["winning_tier"]) == (
            "ceiling_set",
            "domestic",
        )
        assert taken["offer_id"] != ally["offer_id"]
        assert D(taken["unit_price"]) == 2000
        assert D(record["best_allied_price"]) == 1000
        assert record["approvals"] == [
            {
                "kind": "over_premium_cap",
                "reason": APPROVAL_REASON,
                "approved_by": exception["approved_by"],
                "approved_at": record["approvals"][0]["approved_at"],
            }
        ]
