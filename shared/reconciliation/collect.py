"""Reading every service's facts over HTTP, page after page, for one comparison.

The ops tools' side of the reconciliation endpoints: ``vault reconcile`` calls
``collect`` then ``compare.reconcile``; so can the ops console. A service that does
not answer is named in ``Facts.unreachable`` (a difference of its own), never skipped
in silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from shared.reconciliation.facts import (
    GATEWAY_LEGS,
    INVENTORY_RECEIPTS,
    MAX_PAGE,
    SOURCING_LEGS,
    SOURCING_ORDERS,
    Facts,
    GatewayLeg,
    Page,
    Receipt,
    SourcingLeg,
    SourcingOrder,
)

T = TypeVar("T", bound=BaseModel)

MAX_PAGES = 100_000
"""A guard against a service that hands out cursors for ever."""


@dataclass(frozen=True)
class Services:
    """Where the three services answer, and an ops API key (ops_read is enough) to read them."""

    gateway: str
    sourcing: str
    inventory: str
    admin_token: str


class Unreachable(RuntimeError):
    pass


async def collect(client: httpx.AsyncClient, services: Services) -> Facts:
    """Every service's facts, as they stand while they are read."""
    unreachable: list[str] = []
    admin = {"Authorization": f"Bearer {services.admin_token}"}

    async def read(name: str, url: str, item: type[T], headers: dict[str, str]) -> list[T]:
        try:
            return await read_all(client, url, item, headers=headers)
        except Unreachable:
            unreachable.append(name)
            return []

    gateway = await read("trader_gateway", services.gateway + GATEWAY_LEGS, GatewayLeg, admin)
    legs = await read("sourcing", services.sourcing + SOURCING_LEGS, SourcingLeg, admin)
    orders = await read("sourcing", services.sourcing + SOURCING_ORDERS, SourcingOrder, admin)
    receipts = await read("inventory", services.inventory + INVENTORY_RECEIPTS, Receipt, admin)
    return Facts(gateway, legs, orders, receipts, tuple(dict.fromkeys(unreachable)))


async def read_all(
    client: httpx.AsyncClient, url: str, item: type[T], *, headers: dict[str, str] | None = None
) -> list[T]:
    """Every item of a paginated listing; ``Unreachable`` if any page cannot be read."""
    items: list[T] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params = {"limit": str(MAX_PAGE), **({"cursor": cursor} if cursor else {})}
        try:
            answer = await client.get(url, params=params, headers=headers)
        except httpx.HTTPError as error:
            raise Unreachable(f"{url}: {error!r}") from error
        if answer.status_code != 200:
            raise Unreachable(f"{url}: HTTP {answer.status_code} {answer.text[:200]}")
        try:
            page = Page[item].model_validate_json(answer.content)  # type: ignore[valid-type]
        except ValidationError as error:
            raise Unreachable(f"{url}: {error}") from error
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items
    raise Unreachable(f"{url}: more than {MAX_PAGES} pages")
