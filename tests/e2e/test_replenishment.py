"""Finding 5 of issue 12: the replenishment a release raises, as the system's users see it.

Before, inventory's replenishment was a demand without a limit price (so no
specialist could be mandated: with no offer it could only wait and expire), under
the request id ``replenish-<release id>`` in the manufacturer's own request-id
space: a manufacturer that had used that id got a conflict answered, and nothing
was procured. Now it carries a limit price drawn from what the released lots cost,
and is de-duplicated by its release alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import System, urls_of
from vault.scenario.actors import Ops, Trader, Urls, _check, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


async def _orders_of(http: httpx.AsyncClient, urls: Urls, manufacturer: str) -> list[Any]:
    page = _check(
        await http.get(f"{urls.sourcing}/v1/orders", params={"manufacturer_id": manufacturer}),
        200,
    )
    return list(page["items"])


@dataclass(frozen=True)
class Holder:
    """A manufacturer holding 20 t of tin, bought through the system at 30000 USD/t."""

    http: httpx.AsyncClient
    urls: Urls
    manufacturer: str
    run: str
    # The manufacturer's own key, from access: it demands and releases in its own name.
    auth: dict[str, str]

    async def demand(self, request_id: str, quantity: str) -> str:
        body = {
            "manufacturer_id": self.manufacturer,
            "request_id": request_id,
            "mineral": "tin",
            "quantity": quantity,
            "unit": "t",
            "max_unit_price": "31000",
            "deliver_by": (date.today() + timedelta(days=90)).isoformat(),
        }
        answer = _check(
            await self.http.post(f"{self.urls.demand}/v1/demands", json=body, headers=self.auth),
            202,
        )
        return str(answer["order_id"])

    async def release(self, release_id: str, quantity: str) -> None:
        body = {
            "manufacturer_id": self.manufacturer,
            "mineral": "tin",
            "quantity": quantity,
            "release_id": release_id,
        }
        _check(
            await self.http.post(
                f"{self.urls.inventory}/v1/releases", json=body, headers=self.auth
            ),
            201,
        )

    async def replenishment(self) -> dict[str, Any]:
        async def found() -> dict[str, Any] | None:
            orders = [
                o
                for o in await _orders_of(self.http, self.urls, self.manufacturer)
                if o["kind"] == "replenishment"
            ]
            return orders[0] if orders else None

        return await eventually(found, "the replenishment order", 60)


def _admin(system: System) -> dict[str, str]:
    return {"Authorization": f"Bearer {system.admin_token}"}


async def _holder(http: httpx.AsyncClient, urls: Urls) -> Holder:
    run = uuid.uuid4().hex[:8]
    ops = Ops(http, urls)
    maker = f"maker-{run}"
    own = await ops.manufacturer_key(maker)
    holder = Holder(http, urls, maker, run, {"Authorization": f"Bearer {own}"})
    trader_id, warehouse = f"tin-house-{run}", f"wh-tin-{run}"
    key = await ops.register_trader(trader_id, "Tin House", ("base_metals",), 1)
    await ops.register_warehouse(warehouse, "Tin store", "owned", "Reno, NV, US", "Vault")
    trader = Trader(http, urls, trader_id, key, "US")
    await trader.offer("tin", "US", "50", "t", "30000", warehouse, 5)
    bought = await holder.demand(f"buy-{run}", "20")

    async def leg_of_the_purchase() -> dict[str, Any] | None:
        legs = [leg for leg in await trader.open_legs() if leg["order_id"] == bought]
        return legs[0] if legs else None

    leg = await eventually(leg_of_the_purchase, "the purchase to reach the trader", 60)
    await trader.fill(leg, Decimal(20), warehouse_id=warehouse)

    async def held() -> bool:
        rows = _check(
            await http.get(f"{urls.inventory}/v1/holdings", params={"owner": holder.manufacturer}),
            200,
        )["holdings"]
        return sum(Decimal(str(r["quantity"])) for r in rows) == Decimal(20)

    await eventually(held, "the fill to be booked", 60)
    return holder


async def test_the_replenishment_of_a_release_carries_a_limit_price_from_what_the_lots_cost(
    system: System,
) -> None:
    # Ops reads as the program admin; the manufacturer and the trader send their own keys.
    async with httpx.AsyncClient(timeout=20, headers=_admin(system)) as http:
        holder = await _holder(http, urls_of(system))
        await holder.release(f"rel-{holder.run}", "5")
        order = await holder.replenishment()

    assert Decimal(order["quantity"]) == Decimal(5)
    # The dearest lot drawn cost 30000 USD/t; the limit leaves 25% headroom over it.
    assert order["limit_price"] is not None
    assert Decimal(order["limit_price"]) == Decimal(37500)


async def test_a_release_is_bought_back_whatever_request_ids_the_manufacturer_used(
    system: System,
) -> None:
    # Ops reads as the program admin; the manufacturer and the trader send their own keys.
    async with httpx.AsyncClient(timeout=20, headers=_admin(system)) as http:
        holder = await _holder(http, urls_of(system))
        release_id = f"rel-{holder.run}"
        # The manufacturer happens to use the id the old replenishment would have taken.
        own = await holder.demand(f"replenish-{release_id}", "1")
        await holder.release(release_id, "5")
        order = await holder.replenishment()

    assert order["order_id"] != own
    assert (order["kind"], Decimal(order["quantity"])) == ("replenishment", Decimal(5))
