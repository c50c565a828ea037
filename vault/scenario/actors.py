"""The people and systems around Vault, as HTTP and Kafka clients: ops, traders, manufacturers.

Used by `vault demo` and by the end-to-end tests: both drive the running system only
from outside, through the gateway, the read APIs and the Kafka intake topic.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.contracts import Event
from shared.envelope import Envelope, new_event
from shared.kafka_security import KafkaSecurity, client_kwargs
from shared.outbox import record_of
from shared.publisher import Publisher

T = TypeVar("T")


def plain(value: object) -> str:
    """Decimal text without exponent, as the gateway asks ("30000", never "3E+4")."""
    return format(Decimal(str(value)), "f")


class ScenarioError(RuntimeError):
    pass


@dataclass(frozen=True)
class Urls:
    demand: str
    sourcing: str
    gateway: str
    inventory: str
    bootstrap_servers: str
    # A program admin's API key (``vault.credentials``): every ops call the scenario makes.
    admin_token: str
    # access's API: manufacturers get their own keys there (none: the admin acts for them).
    access: str = ""
    # The Kafka principal the scenario publishes and reads as (vault-ops in the secure
    # profile); None: the environment's (PLAINTEXT where it says nothing).
    kafka: KafkaSecurity | None = None


def _check(answer: httpx.Response, *expected: int) -> Any:
    if answer.status_code not in expected:
        raise ScenarioError(
            f"{answer.request.method} {answer.request.url} -> {answer.status_code}: {answer.text}"
        )
    return answer.json() if answer.content else None


async def eventually(
    probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 60.0
) -> T:
    """Poll ``probe`` until it returns something, or fail saying what did not happen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        found = await probe()
        if found is not None and found is not False:
            return found
        if loop.time() > deadline:
            raise ScenarioError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        await asyncio.sleep(0.3)


class Ops:
    """Program operations: traders and keys at the gateway, warehouses at inventory, phases on Kafka."""

    def __init__(self, http: httpx.AsyncClient, urls: Urls) -> None:
        self.http = http
        self.urls = urls
        self._auth = {"Authorization": f"Bearer {urls.admin_token}"}

    async def register_trader(
        self, trader_id: str, name: str, markets: tuple[str, ...], rank: int
    ) -> str:
        body = {
            "name": name,
            "markets": list(markets),
            "rank": rank,
            "capacity": "100000",
            "exposure_limit_usd": "1000000000",
        }
        _check(
            await self.http.put(
                f"{self.urls.gateway}/v1/admin/traders/{trader_id}", json=body, headers=self._auth
            ),
            200,
            201,
        )
        issued = _check(
            await self.http.post(
                f"{self.urls.gateway}/v1/admin/traders/{trader_id}/keys",
                json={},
                headers=self._auth,
            ),
            200,
            201,
        )
        return str(issued["api_key"])

    async def register_warehouse(
        self, warehouse_id: str, name: str, kind: str, location: str, operator: str
    ) -> None:
        body = {
            "warehouse_id": warehouse_id,
            "name": name,
            "kind": kind,
            "location": location,
            "operator": operator,
        }
        _check(
            await self.http.post(
                f"{self.urls.inventory}/v1/warehouses", json=body, headers=self._auth
            ),
            200,
            201,
        )

    async def manufacturer_key(self, manufacturer_id: str) -> str:
        """A key of the manufacturer's own from access (its principal made, or a new key if it
        exists), once demand and inventory accept it (they learn it from access's event)."""
        answer = await self.http.post(
            f"{self.urls.access}/v1/principals",
            json={"kind": "manufacturer", "id": manufacturer_id},
            headers=self._auth,
        )
        if answer.status_code == 409:
            answer = await self.http.post(
                f"{self.urls.access}/v1/principals/manufacturer:{manufacturer_id}/keys",
                json={},
                headers=self._auth,
            )
        key = str(_check(answer, 201)["api_key"])
        mine = {"Authorization": f"Bearer {key}"}

        async def accepted() -> bool:
            for probe in (
                f"{self.urls.demand}/v1/demands/{manufacturer_id}/probe",
                f"{self.urls.inventory}/v1/manufacturers/{manufacturer_id}/releases/probe",
            ):
                if (await self.http.get(probe, headers=mine)).status_code == 401:
                    return False
            return True

        await eventually(accepted, f"demand and inventory to accept {manufacturer_id}'s key")
        return key

    async def publish(self, payload: Event) -> Envelope[Event]:
        event = new_event(payload, producer="vault-scenario")
        publisher = Publisher(
            self.urls.bootstrap_servers, client_id="vault-scenario", security=self.urls.kafka
        )
        try:
            await publisher.publish([record_of(event)])
        finally:
            await publisher.close()
        return event

    async def consumed(self, group: str, topics: tuple[str, ...]) -> bool:
        """Whether consumer group ``group`` has committed everything now on ``topics``."""
        security = client_kwargs(self.urls.kafka)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.urls.bootstrap_servers, **security)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.urls.bootstrap_servers, group_id=None, **security
        )
        await admin.start()
        await consumer.start()
        try:
            described = await admin.describe_topics(list(topics))
            tps = [
                TopicPartition(t["topic"], p["partition"])
                for t in described
                for p in t["partitions"]
            ]
            ends = await consumer.end_offsets(tps)
            committed = await admin.list_consumer_group_offsets(group)
            return all(
                (committed[tp].offset if tp in committed else 0) >= end for tp, end in ends.items()
            )
        finally:
            await consumer.stop()
            await admin.close()


class Trader:
    """A trading house using the gateway with its API key."""

    def __init__(
        self, http: httpx.AsyncClient, urls: Urls, trader_id: str, api_key: str, country: str
    ) -> None:
        self.http = http
        self.base = urls.gateway
        self.trader_id = trader_id
        self.country = country
        self._auth = {"Authorization": f"Bearer {api_key}"}

    def _write(self) -> dict[str, str]:
        return {**self._auth, "Idempotency-Key": uuid.uuid4().hex}

    async def offer(
        self,
        mineral: str,
        origin: str,
        quantity: str,
        unit: str,
        price: str,
        warehouse_id: str,
        available_in_days: int,
    ) -> dict[str, Any]:
        body = {
            "mineral": mineral,
            "origin_country": origin,
            "quantity": {"amount": quantity, "unit": unit},
            "unit_price": {"amount": price, "currency": "USD", "per": unit},
            "warehouse_id": warehouse_id,
            "available_on": (date.today() + timedelta(days=available_in_days)).isoformat(),
            "valid_until": (datetime.now(UTC) + timedelta(days=60)).isoformat(),
        }
        result: dict[str, Any] = _check(
            await self.http.post(f"{self.base}/v1/offers", json=body, headers=self._write()), 201
        )
        return result

    async def open_legs(self) -> list[dict[str, Any]]:
        legs: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
            page = _check(
                await self.http.get(f"{self.base}/v1/legs", params=params, headers=self._auth), 200
            )
            legs += [leg for leg in page["items"] if leg["status"] in ("open", "partially_filled")]
            cursor = page.get("next_cursor")
            if not cursor:
                return legs

    async def fill(
        self, leg: dict[str, Any], quantity: Decimal, *, warehouse_id: str | None = None
    ) -> dict[str, Any]:
        unit = leg["quantity"]["unit"]
        price = leg["limit_price"]["amount"] if leg.get("limit_price") else "1"
        if leg.get("kind") == "offer" and leg.get("offer_id"):
            price = await self._offer_price(leg["offer_id"]) or price
        body = {
            "mineral": leg["mineral"],
            "quantity": {"amount": plain(quantity), "unit": unit},
            "unit_price": {"amount": plain(price), "currency": "USD", "per": unit},
            "origin_country": leg.get("origin_country") or self.country,
            "warehouse_id": leg.get("warehouse_id") or warehouse_id or "wh-nl-rotterdam",
            "lot_reference": f"lot-{uuid.uuid4().hex[:10]}",
            "filled_at": datetime.now(UTC).isoformat(),
        }
        result: dict[str, Any] = _check(
            await self.http.post(
                f"{self.base}/v1/legs/{leg['leg_id']}/fills", json=body, headers=self._write()
            ),
            201,
        )
        return result

    async def _offer_price(self, offer_id: str) -> str | None:
        answer = await self.http.get(f"{self.base}/v1/offers/{offer_id}", headers=self._auth)
        return str(answer.json()["unit_price"]["amount"]) if answer.status_code == 200 else None

    async def decline_rest(self, leg_id: str, reason: str) -> dict[str, Any]:
        result: dict[str, Any] = _check(
            await self.http.post(
                f"{self.base}/v1/legs/{leg_id}/decline",
                json={"reason": reason},
                headers=self._write(),
            ),
            200,
            201,
        )
        return result


class Manufacturer:
    """A manufacturer's system: demand over HTTP, answers read back."""

    def __init__(
        self, http: httpx.AsyncClient, urls: Urls, manufacturer_id: str, api_key: str
    ) -> None:
        self.http = http
        self.urls = urls
        self.manufacturer_id = manufacturer_id
        self._auth = {"Authorization": f"Bearer {api_key}"}

    async def demand(
        self,
        request_id: str,
        mineral: str,
        quantity: str,
        unit: str,
        max_price: str,
        deliver_in_days: int = 90,
    ) -> str:
        body = {
            "manufacturer_id": self.manufacturer_id,
            "request_id": request_id,
            "mineral": mineral,
            "quantity": quantity,
            "unit": unit,
            "max_unit_price": max_price,
            "deliver_by": (date.today() + timedelta(days=deliver_in_days)).isoformat(),
        }
        answer = _check(
            await self.http.post(f"{self.urls.demand}/v1/demands", json=body, headers=self._auth),
            202,
        )
        return str(answer["order_id"])

    async def release(self, mineral: str, quantity: str) -> dict[str, Any]:
        body = {
            "manufacturer_id": self.manufacturer_id,
            "mineral": mineral,
            "quantity": quantity,
            "release_id": f"rel-{uuid.uuid4().hex[:10]}",
        }
        result: dict[str, Any] = _check(
            await self.http.post(
                f"{self.urls.inventory}/v1/releases", json=body, headers=self._auth
            ),
            201,
        )
        return result
