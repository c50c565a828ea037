"""Money and material from outside (issue 17), after the demo: a reference price, tolerance,
ceiling and funding set with `vault treasury`; spend, premiums and valuation read back and
exported; a custodian's arrivals with one short-weight variance; titled and physical
holdings. Everything is printed (run with -s) and asserted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import System, issue_key, urls_of
from tests.e2e.test_cli import vault
from tests.support.waiting import eventually
from vault.scenario.demo import Demo, DemoResult

D = Decimal

# The demo, then a dozen `vault` processes on a machine other suites share.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


async def issue(system: System, role: str, subject: str | None = None) -> str:
    """A key from access: an ops user of ``role``, or the custodian of warehouse ``subject``."""
    async with httpx.AsyncClient(timeout=10) as http:
        if role == "custodian":
            assert subject is not None
            return await issue_key(http, urls_of(system), "custodian", subject)
        return await issue_key(http, urls_of(system), "ops", f"e2e-{role}", role)


def show(title: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2)
    print(f"\n=== {title}\n{text}")


async def test_money_and_material_after_the_demo(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    _, result = demo
    admin = await issue(system, "program_admin")
    ops = await issue(system, "ops_read")
    auth = {"Authorization": f"Bearer {ops}"}
    async with httpx.AsyncClient(timeout=10) as http:

        async def accepted(service: str, path: str) -> bool:
            answer = await http.get(system.url(service) + path, headers=auth)
            return answer.status_code == 200

        await eventually(lambda: accepted("treasury", "/v1/tolerances"), 30, what="treasury keys")
        await eventually(
            lambda: accepted("inventory", "/v1/arrivals/unreceived"), 30, what="inventory keys"
        )

        async def cli(*args: str, key: str = ops) -> str:
            code, out = await vault(system, "treasury", "--key", key, *args)
            assert code == 0, out
            return out

        year = datetime.now(UTC).year
        month_ago = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
        show(
            "vault treasury price set cobalt 33000",
            await cli(
                "price",
                "set",
                "cobalt",
                "33000",
                "--unit",
                "t",
                "--on",
                month_ago,
                "--source",
                "LME cobalt standard grade, monthly average",
                key=admin,
            ),
        )
        admin_auth = {"Authorization": f"Bearer {admin}"}
        for path, payload in (
            ("/v1/tolerances/cobalt", {"tolerance": "0.10"}),
            (f"/v1/ceilings/cobalt/{year}", {"ceiling_usd": "5000000"}),
            (
                "/v1/funding-sources/eca-t1",
                {
                    "name": "Export-credit loan, tranche 1",
                    "kind": "loan_tranche",
                    "ceiling_usd": "1000000000",
                    "available_from": "2026-01-01",
                },
            ),
            (
                "/v1/funding-sources/private",
                {
                    "name": "Private capital",
                    "kind": "private_capital",
                    "ceiling_usd": "200000000",
                    "available_from": "2026-01-01",
                },
            ),
        ):
            answer = await http.put(system.url("treasury") + path, json=payload, headers=admin_auth)
            assert answer.status_code == 200, answer.text
        # A manufacturer's or an ops key may not set a price.
        code, out = await vault(
            system,
            "treasury",
            "--key",
            ops,
            "price",
            "set",
            "cobalt",
            "1",
            "--unit",
            "t",
            "--on",
            month_ago,
            "--source",
            "x",
        )
        assert code == 1
        assert "403" in out

        cobalt_fills = [f for f in result.fills if f.mineral == "cobalt"]
        booked = sum((f.quantity for f in result.fills), D(0))

        async def learnt() -> bool:
            answer = await http.get(system.url("treasury") + "/v1/premiums/fills", headers=auth)
            items = answer.json()["items"] if answer.status_code == 200 else []
            return sum((D(i["quantity"]) for i in items), D(0)) >= booked

        await eventually(learnt, 60, what="treasury to learn the demo's fills")

        spend = json.loads(await cli("spend", "--year", str(year)))
        show("vault treasury spend", spend)
        fills = json.loads(await cli("premiums", "--fills"))
        show("vault treasury premiums --fills", fills)
        by_tier = json.loads(await cli("premiums", "--group-by", "tier"))
        show("vault treasury premiums --group-by tier", by_tier)
        by_trader = (
            await http.get(
                system.url("treasury") + "/v1/premiums", params={"group_by": "trader"}, headers=auth
            )
        ).json()
        show("vault treasury premiums --group-by trader", by_trader)
        valuation = json.loads(await cli("valuation"))
        show("vault treasury valuation", valuation)
        premiums_csv = await cli("export", "premiums", "--format", "csv", "--group-by", "mineral")
        show("vault treasury export premiums --format csv", premiums_csv)
        valuation_csv = await cli("export", "valuation", "--format", "csv")
        show("vault treasury export valuation --format csv", valuation_csv)

        # The domestic cobalt fill: 20 t at 36,000 against the allied 30,000 passed over and
        # the 33,000 reference: 120,000 USD over the allied route, 60,000 over the reference,
        # 9.09% above it.
        [domestic] = [
            i
            for i in fills["items"]
            if i["mineral"] == "cobalt" and D(i["unit_price"]) == 36000 and D(i["quantity"]) == 20
        ]
        assert (domestic["tier"], D(domestic["best_allied_price"])) == ("domestic", D(30000))
        assert (D(domestic["reference_price"]), domestic["deviation"]) == (D(33000), "0.090909")
        assert D(domestic["premium_over_allied_usd"]) == 120_000
        assert D(domestic["premium_over_reference_usd"]) == 60_000
        # Every fill is spent, once: the spend is the sum of the fills' prices.
        spent = sum((D(i["quantity"]) * D(i["unit_price"]) for i in fills["items"]), D(0))
        assert D(spend["funding"]["spent_usd"]) == spent
        assert D(spend["funding"]["ceiling_usd"]) == D(1_200_000_000)
        [cobalt_spend] = [i for i in spend["items"] if i["mineral"] == "cobalt"]
        assert D(cobalt_spend["spent_usd"]) + D(cobalt_spend["committed_usd"]) <= D(5_000_000)
        assert D(cobalt_spend["headroom_usd"]) == D(5_000_000) - D(cobalt_spend["spent_usd"]) - D(
            cobalt_spend["committed_usd"]
        )
        assert premiums_csv.splitlines()[0] == (
            "group,fills,spent_usd,premium_over_allied_usd,premium_over_reference_usd,"
            "fills_without_reference"
        )

        # Valuation equals inventory's holdings, lot by lot.
        holdings = (
            await http.get(
                system.url("inventory") + "/v1/holdings", params={"group_by": "warehouse"}
            )
        ).json()
        show("inventory holdings by warehouse", holdings)
        expected = sum((f.quantity for f in cobalt_fills), D(0)) - D(5)  # the release drew 5 t

        async def valued() -> bool:
            answer = await http.get(system.url("treasury") + "/v1/valuation", headers=auth)
            held = [v for v in answer.json()["items"] if v["mineral"] == "cobalt"]
            return sum((D(v["quantity"]) for v in held), D(0)) == expected

        await eventually(valued, 30, what="treasury to value what inventory holds")
        valuation = json.loads(await cli("valuation"))
        cobalt_value = [v for v in valuation["items"] if v["mineral"] == "cobalt"]
        for v in cobalt_value:
            assert D(v["reference_price"]) == 33000
            assert D(v["at_reference_usd"]) == D(v["quantity"]) * D(33000)
        # Arrivals: the custodian of each cobalt warehouse confirms; one short by 0.5 t.
        order_id = result.orders["volta-co-001"]
        receipts = (
            await http.get(
                system.url("inventory") + f"/v1/orders/{order_id}/receipts", headers=auth
            )
        ).json()["receipts"]
        assert len(receipts) >= 2
        for n, receipt in enumerate(receipts):
            custodian = await issue(system, "custodian", receipt["warehouse_id"])
            weighed = D(receipt["quantity"]) - (D("0.5") if n == 0 else D(0))
            body = {
                "arrival_id": f"arr-{receipt['fill_id']}",
                "fill_id": receipt["fill_id"],
                "warehouse_id": receipt["warehouse_id"],
                "weighed_quantity": str(weighed),
                "unit": "t",
                "arrived_on": datetime.now(UTC).date().isoformat(),
                "grade": "standard grade, 99.8% Co",
                "assay": {"Co": "99.8"},
                "variance_reason": "short weight at the weighbridge" if n == 0 else "",
            }

            async def confirmed(body: dict[str, Any] = body, key: str = custodian) -> bool:
                answer = await http.post(
                    system.url("inventory") + "/v1/arrivals",
                    json=body,
                    headers={"Authorization": f"Bearer {key}"},
                )
                assert answer.status_code in (201, 401), answer.text
                return answer.status_code == 201

            await eventually(confirmed, 30, what="the custodian's arrival")

        async def read(path: str, **params: str) -> Any:
            answer = await http.get(system.url("inventory") + path, headers=auth, params=params)
            assert answer.status_code == 200, answer.text
            return answer.json() if params.get("format") != "csv" else answer.text

        variances = await read("/v1/arrivals/variances")
        show("inventory GET /v1/arrivals/variances", variances)
        unreceived = await read("/v1/arrivals/unreceived")
        show("inventory GET /v1/arrivals/unreceived", unreceived)
        physical = await read("/v1/holdings/physical")
        show("inventory GET /v1/holdings/physical", physical)
        show("inventory variances CSV", await read("/v1/arrivals/variances", format="csv"))
        [variance] = variances["items"]
        assert (D(variance["variance"]), variance["fill_id"]) == (D("0.5"), receipts[0]["fill_id"])
        for line in physical["items"]:
            assert D(line["received_title"]) - D(line["variances"]) == D(line["physical"])
        assert not {r["fill_id"] for r in receipts} & {u["fill_id"] for u in unreceived["items"]}
