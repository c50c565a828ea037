"""Issue 16 from outside: two manufacturers' agreements, paced buying, a disruption, a draw
beyond its own share, the obligation it creates, bought back domestic first, and closed.

Every process is a real one (``tests/e2e/conftest.py``); the test talks only to their HTTP
APIs and publishes the API keys as access would (``credential.issued``). The coverage
figures are printed at each step (``pytest -s`` shows them) and asserted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import System, issue_key, sign_in_to_console, urls_of
from tests.e2e.test_cli import vault
from vault.commands.participation import coverage_lines
from vault.scenario.actors import Ops, ScenarioError, Trader, _check, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

MINERAL = "vanadium"  # no other e2e test holds it: the program's figures are this test's
SET_PRICE = "2500"
COMMITTED = {"a": Decimal(100), "b": Decimal(60)}
CONSUMPTION = {"a": Decimal(2), "b": Decimal(1)}
POOL_SHARE = {"a": "0.5", "b": "0.25"}


@dataclass
class Book:
    http: httpx.AsyncClient
    system: System
    admin: dict[str, str]
    ops: dict[str, str]
    makers: dict[str, str]
    trader: Trader
    warehouse: str

    @property
    def url(self) -> str:
        return self.system.url("participation")

    async def coverage(self) -> dict[str, Any]:
        body: dict[str, Any] = _check(
            await self.http.get(
                f"{self.url}/v1/coverage", params={"mineral": MINERAL}, headers=self.ops
            ),
            200,
        )
        return body

    def _days(self, body: dict[str, Any]) -> dict[str, str | None]:
        found: dict[str, str | None] = {
            who: next(
                (r["days"] for r in body["manufacturers"] if r["manufacturer_id"] == maker), None
            )
            for who, maker in self.makers.items()
        }
        found["program"] = body["program"][0]["days"] if body["program"] else None
        return found

    async def days(self, step: str, expected: dict[str, str | None]) -> None:
        """Wait for participation's coverage to show ``expected`` (it follows inventory's events)."""
        last: dict[str, str | None] = {}

        async def shown() -> dict[str, Any] | None:
            nonlocal last
            body = await self.coverage()
            last = self._days(body)
            return body if last == expected else None

        try:
            body = await eventually(shown, f"coverage {expected} at step {step!r}", 30)
        except ScenarioError:
            pytest.fail(f"[{step}] coverage settled at {last}, expected {expected}")
        print(f"\n[{step}]")
        print("\n".join(coverage_lines(body)))

    async def fill_everything_open(self) -> int:
        filled = 0
        for leg in await self.trader.open_legs():
            left = Decimal(leg["remaining"]["amount"])
            if left > 0:
                await self.trader.fill(leg, left, warehouse_id=self.warehouse)
                filled += 1
        return filled

    async def held(self, maker: str) -> Decimal:
        rows = _check(
            await self.http.get(
                f"{self.system.url('inventory')}/v1/holdings",
                params={"owner": maker, "mineral": MINERAL},
                headers=self.ops,
            ),
            200,
        )["holdings"]
        return sum((Decimal(str(r["quantity"])) for r in rows), Decimal(0))

    async def holdings_rows(self, maker: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = _check(
            await self.http.get(
                f"{self.system.url('inventory')}/v1/holdings",
                params={"owner": maker, "mineral": MINERAL},
                headers=self.ops,
            ),
            200,
        )["holdings"]
        return found

    async def orders(self, maker: str) -> list[dict[str, Any]]:
        page = _check(
            await self.http.get(
                f"{self.system.url('sourcing')}/v1/orders",
                params={"manufacturer_id": maker, "limit": "200"},
                headers=self.ops,
            ),
            200,
        )
        return [o for o in page["items"] if o["mineral"] == MINERAL]

    async def draw(self, maker: str, quantity: str, release_id: str) -> httpx.Response:
        body = {
            "manufacturer_id": maker,
            "mineral": MINERAL,
            "quantity": quantity,
            "release_id": release_id,
        }
        # The program admin draws on the manufacturer's behalf (its own key would do too).
        return await self.http.post(
            f"{self.system.url('inventory')}/v1/releases", json=body, headers=self.admin
        )


async def _key(ops: Ops, principal: str, role: str) -> dict[str, str]:
    kind, _, id = principal.partition(":")
    return {"Authorization": f"Bearer {await issue_key(ops.http, ops.urls, kind, id, role)}"}


def _agreement(who: str) -> dict[str, Any]:
    return {
        "effective_from": date.today().isoformat(),
        "terms": [
            {
                "mineral": MINERAL,
                "unit": "t",
                "committed_quantity": str(COMMITTED[who]),
                "set_price": SET_PRICE,
                "period_start": date.today().isoformat(),
                "period_end": (date.today() + timedelta(days=365)).isoformat(),
                "consumption_per_day": str(CONSUMPTION[who]),
                "disruption_pool_share": POOL_SHARE[who],
                "replenish_within_days": 30,
            }
        ],
    }


async def _book(http: httpx.AsyncClient, system: System) -> Book:
    urls = urls_of(system)
    ops = Ops(http, urls)
    run = uuid.uuid4().hex[:8]
    trader_id, warehouse = f"vanadium-house-{run}", f"wh-v-{run}"
    key = await ops.register_trader(trader_id, "Vanadium House", ("alloying_metals",), 1)
    await ops.register_warehouse(warehouse, "Vanadium store", "owned", "Elko, NV, US", "Vault")
    trader = Trader(http, urls, trader_id, key, "US")
    # Allied is cheaper; domestic is within the 25% premium cap of it.
    await trader.offer(MINERAL, "AU", "400", "t", "2000", warehouse, 5)
    await trader.offer(MINERAL, "US", "400", "t", "2300", warehouse, 5)
    admin = await _key(ops, f"ops:admin-{run}", "program_admin")
    reader = await _key(ops, f"ops:reader-{run}", "ops_read")
    book = Book(
        http,
        system,
        admin,
        reader,
        {"a": f"maker-a-{run}", "b": f"maker-b-{run}"},
        trader,
        warehouse,
    )

    async def keys_known() -> bool:
        answer = await http.get(f"{book.url}/v1/disruptions", headers=reader)
        return answer.status_code == 200

    await eventually(keys_known, "participation to learn the API keys", 60)
    return book


async def test_participation_from_commitment_to_disruption_draw_and_replenishment(
    system: System,
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        book = await _book(http, system)
        a, b = book.makers["a"], book.makers["b"]

        # Without a program admin's key nothing is set.
        refused = await http.put(
            f"{book.url}/v1/agreements/{a}", json=_agreement("a"), headers=book.ops
        )
        assert refused.status_code == 403

        await book.days("0. no agreements yet", {"a": None, "b": None, "program": None})
        for who, maker in book.makers.items():
            _check(
                await http.put(
                    f"{book.url}/v1/agreements/{maker}", json=_agreement(who), headers=book.admin
                ),
                201,
            )
        await book.days(
            "1. agreements set, nothing held",
            {
                "a": "0.0",
                "b": "0.0",
                "program": "0.0",
            },
        )

        # Paced buying: the trader fills whatever reaches it until both commitments are held.
        async def commitments_held() -> bool:
            await book.fill_everything_open()
            return await book.held(a) == COMMITTED["a"] and await book.held(b) == COMMITTED["b"]

        await eventually(commitments_held, "the commitments to be bought and booked", 120)
        for who, maker in book.makers.items():
            orders = await book.orders(maker)
            print(f"  {maker}: commitment orders {[o['quantity'] for o in orders]} t")
            assert all(o["kind"] == "procurement" for o in orders)
            # Never more than a quarter of the book (160 t) a pass, so several orders each.
            assert len(orders) >= 2, orders
            assert all(Decimal(o["quantity"]) <= 40 for o in orders)
            assert sum(Decimal(o["quantity"]) for o in orders) == COMMITTED[who]
            assert all(Decimal(o["limit_price"]) == Decimal(SET_PRICE) for o in orders)
        # Initial fill: availability and price, so the cheaper allied offer.
        assert {r["tier"] for r in await book.holdings_rows(a)} == {"allied"}
        await book.days(
            "2. commitments covered",
            {
                "a": "50.0",  # 100 t / 2 t a day, against 60
                "b": "60.0",  # 60 t / 1 t a day
                "program": "53.3",  # 160 t / 3 t a day
            },
        )

        # The console shows the same figures against the target, with its chart.
        await sign_in_to_console(http, system, book.ops["Authorization"].removeprefix("Bearer "))

        async def console_shows_it() -> str | None:
            page = await http.get(f"{system.url('console')}/coverage")
            return page.text if page.status_code == 200 and "53.3 / 60 d" in page.text else None

        html = await eventually(console_shows_it, "the console's coverage page", 30)
        assert "<svg" in html
        assert a in html  # below its target: 50 days of 60

        # Before a disruption a draw is limited to its own holdings.
        before = await book.draw(a, "101", f"early-{a}")
        assert before.status_code == 403
        assert before.json()["code"] == "draw_beyond_rights"
        assert "no disruption is declared" in before.json()["detail"]

        declared = await http.post(
            f"{book.url}/v1/disruptions",
            json={"mineral": MINERAL, "reason": "export ban"},
            headers=book.admin,
        )
        assert declared.status_code == 201

        # In the disruption: its own 100 t and half of the others' 60 t, no more.
        async def inventory_knows_the_disruption() -> dict[str, Any] | None:
            answer = await book.draw(a, "131", f"too-much-{a}")
            detail = answer.json()
            return detail if "in the disruption" in detail.get("detail", "") else None

        too_much = await eventually(
            inventory_knows_the_disruption, "the disruption to reach inventory"
        )
        assert (too_much["code"], Decimal(too_much["may_draw_from_pool"])) == (
            "draw_beyond_rights",
            Decimal(30),
        )
        drawn = await book.draw(a, "120", f"draw-{a}")
        assert drawn.status_code == 201, drawn.text
        assert Decimal(drawn.json()["replenishment"]["limit_price"]) == Decimal(SET_PRICE)
        assert await book.held(a) == 0
        assert await book.held(b) == 40

        async def obligation() -> dict[str, Any] | None:
            found = _check(
                await http.get(
                    f"{book.url}/v1/obligations",
                    params={"manufacturer_id": a, "status": "all"},
                    headers=book.ops,
                ),
                200,
            )["items"]
            return found[0] if found else None

        owed = await eventually(obligation, "the draw's obligation")
        assert (Decimal(owed["quantity"]), owed["status"], Decimal(owed["limit_price"])) == (
            Decimal(120),
            "open",
            Decimal(SET_PRICE),
        )
        assert owed["due_by"] == (date.today() + timedelta(days=30)).isoformat()
        await book.days(
            "3. disruption declared, A drew 120 t (20 t beyond its own)",
            {
                "a": "0.0",
                "b": "40.0",
                "program": "13.3",  # 40 t / 3 t a day
            },
        )

        # Bought back, domestic first: A's own 100 t for A, the 20 t drawn from B for B.
        async def replenished() -> dict[str, Any] | None:
            await book.fill_everything_open()
            found = await obligation()
            return found if found is not None and found["status"] == "closed" else None

        closed = await eventually(replenished, "the obligation to close", 120)
        assert Decimal(closed["received"]) == Decimal(120)
        assert sorted(closed["order_ids"]) == sorted(
            [o["order_id"] for o in await book.orders(a) if o["kind"] == "replenishment"]
            + [o["order_id"] for o in await book.orders(b) if o["kind"] == "replenishment"]
        )
        for maker, quantity in ((a, Decimal(100)), (b, Decimal(20))):
            [again] = [o for o in await book.orders(maker) if o["kind"] == "replenishment"]
            assert Decimal(again["quantity"]) == quantity
            assert Decimal(again["limit_price"]) == Decimal(SET_PRICE)
        assert {r["tier"] for r in await book.holdings_rows(a)} == {"domestic"}
        assert await book.held(a) == 100
        assert await book.held(b) == 60
        await book.days(
            "4. replenished domestic first, obligation closed",
            {
                "a": "50.0",
                "b": "60.0",
                "program": "53.3",
            },
        )

        ended = await http.post(f"{book.url}/v1/disruptions/{MINERAL}/end", headers=book.admin)
        assert ended.status_code == 200
        commitments = _check(
            await http.get(
                f"{book.url}/v1/commitments", params={"mineral": MINERAL}, headers=book.ops
            ),
            200,
        )["items"]
        assert {c["manufacturer_id"]: Decimal(c["uncovered"]) for c in commitments} == {
            a: 0,
            b: 0,
        }


async def test_the_book_from_the_vault_command(system: System) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        ops = Ops(http, urls_of(system))
        run = uuid.uuid4().hex[:8]
        admin = (await _key(ops, f"ops:cli-{run}", "program_admin"))["Authorization"][7:]
        maker = f"maker-cli-{run}"

        async def key_known() -> bool:
            answer = await http.get(
                f"{system.url('participation')}/v1/disruptions",
                headers={"Authorization": f"Bearer {admin}"},
            )
            return answer.status_code == 200

        await eventually(key_known, "participation to learn the key", 60)
    term = "zirconium:30:4000:1.5:0.2:45"
    stranger = ("participation", "--key", "vlt_0000000000000000_not-a-key")
    code, out = await vault(system, *stranger, "agreement", "set", maker, "--term", term)
    assert (code, "HTTP 401" in out) == (1, True), out
    key = ("participation", "--key", admin)
    code, out = await vault(system, *key, "agreement", "set", maker, "--term", term)
    assert (code, f"{maker}: agreement v1" in out) == (0, True), out
    code, out = await vault(system, *key, "coverage", "--manufacturer", maker)
    assert code == 0, out
    assert "zirconium" in out
    assert "/ 45 days" in out
    code, out = await vault(system, *key, "disruption", "declare", "zirconium", "--reason", "t")
    assert (code, "disruption of zirconium in force" in out) == (0, True), out
    code, out = await vault(system, *key, "rights", maker, "zirconium")
    assert code == 0, out
    assert '"disrupted": true' in out
    code, out = await vault(system, *key, "disruption", "end", "zirconium")
    assert (code, "ended" in out) == (0, True), out
    code, out = await vault(system, *key, "obligations", "--manufacturer", maker)
    assert code == 0, out
