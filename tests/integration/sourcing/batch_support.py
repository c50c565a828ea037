"""A sourcing database of its own for the batch handlers, called directly and counted.

The handlers are called as the consumer calls them, inside one transaction, on a
database no running service shares: every mineral is free to use, and what they
enqueue stays in the outbox (no relay runs) to be read back in order.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar, cast

import asyncpg

from services.sourcing.app import create_service
from services.sourcing.context import Sourcing
from services.sourcing.handlers import book_offers, place_requests, register_trader
from services.sourcing.settings import NAME, SourcingSettings
from shared.contracts import EVENT_TYPES, Event, LegRouted
from shared.db import Connection, create_pool, migrate
from shared.envelope import Envelope, new_event
from shared.service import Service
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import unique

E = TypeVar("E", bound=Event)
Handler = Callable[..., Awaitable[None]]

_COUNTED = {"execute", "executemany", "fetch", "fetchrow", "fetchval"}


class Counting:
    """A connection that counts the statements sent through it."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.statements = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._conn, name)
        if name not in _COUNTED:
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.statements += 1
            return await attribute(*args, **kwargs)

        return counted


@dataclass
class Isolated:
    ctx: Sourcing
    pool: asyncpg.Pool
    bootstrap: str

    async def apply(self, handler: Handler, *events: Envelope[Any]) -> int:
        """Apply as the consumer does (one transaction); returns the statements it took."""
        async with self.pool.acquire() as conn, conn.transaction():
            counting = Counting(conn)
            await handler(cast(Connection, counting), list(events), ctx=self.ctx)
        return counting.statements

    async def apply_each(self, handler: Handler, *events: Envelope[Any]) -> None:
        """Apply per-event handlers (``on``), all in one transaction."""
        async with self.pool.acquire() as conn, conn.transaction():
            for event in events:
                await handler(conn, event, ctx=self.ctx)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn

    def at(self, now: datetime) -> Sourcing:
        """The context with the clock at `now`, its service this database (for the sweep)."""
        return replace(self.ctx, service=cast(Service, _OnPool(self)), clock=lambda: now)

    async def outbox(self, key: str) -> list[tuple[type[Event], dict[str, Any]]]:
        """(contract, envelope) of what was enqueued under `key`, in the order it will leave."""
        rows = await self.pool.fetch("SELECT value FROM outbox WHERE key = $1 ORDER BY id", key)
        envelopes = [json.loads(row["value"]) for row in rows]
        return [(EVENT_TYPES[e["type"]], e) for e in envelopes]


@dataclass
class _OnPool:
    """What the sweep asks of its service: the pool and a unit of work on it."""

    isolated: Isolated

    @property
    def pool(self) -> asyncpg.Pool:
        return self.isolated.pool

    def transaction(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        return self.isolated.transaction()


def event(payload: E) -> Envelope[E]:
    return new_event(payload, producer="test")


@contextlib.asynccontextmanager
async def isolated_sourcing(bootstrap: str, database_url: str) -> AsyncIterator[Isolated]:
    settings = SourcingSettings.model_validate(
        {"kafka_bootstrap_servers": bootstrap, "database_url": database_url}
    )
    service = create_service(settings)  # never started: its context is what handlers get
    pool = await create_pool(database_url, schema=NAME)
    try:
        await migrate(pool, *service.migrations)
        yield Isolated(service.context, pool, bootstrap)
    finally:
        await pool.close()


def payloads(
    found: Sequence[tuple[type[Event], dict[str, Any]]], contract: type[Event]
) -> list[dict[str, Any]]:
    return [envelope["payload"] for kind, envelope in found if kind is contract]


async def market(isolated: Isolated, scene: Scene, *, quantity: str) -> str:
    """A specialist of the scene's market with one offer of `quantity`; returns its id."""
    house = unique("house")
    await isolated.apply_each(register_trader.trader_registered, event(scene.trader(house)))
    offer = scene.offer(f"{house}-o", house, quantity=quantity)
    await isolated.apply_each(book_offers.published, event(offer))
    return house


async def placed(isolated: Isolated, order_id: str) -> dict[str, Any]:
    """An order as stored: status, quantities, how many decisions, its legs' quantities."""
    row = await isolated.pool.fetchrow(
        "SELECT status, filled, open_quantity, open_reason, "
        "(SELECT count(*) FROM decisions d WHERE d.order_id = o.order_id) AS decisions, "
        "(SELECT array_agg(quantity ORDER BY sequence) FROM legs l "
        " WHERE l.order_id = o.order_id) AS legs "
        "FROM orders o WHERE order_id = $1",
        order_id,
    )
    assert row is not None, f"no order {order_id}"
    return dict(row)


async def legs_of(isolated: Isolated, *orders: tuple[Scene, str]) -> list[dict[str, Any]]:
    """One order per (scene, quantity), placed in one batch; the first leg.routed of each."""
    made = [(scene, unique("order"), quantity) for scene, quantity in orders]
    await isolated.apply(
        place_requests.requested,
        *(event(scene.procurement(o, quantity=q)) for scene, o, q in made),
    )
    return [payloads(await isolated.outbox(o), LegRouted)[0] for _, o, _ in made]
