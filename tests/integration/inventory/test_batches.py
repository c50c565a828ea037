"""Fills booked a partition's batch at a time: many orders, copies and poison in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, cast

import httpx

from services.inventory.handlers.book_fills import fills_recorded
from shared import topics
from shared.codec import encode
from shared.consumer.batch import BatchApplier, Progress, read_item
from shared.contracts import FillRecorded, OrderStatusChanged
from shared.db import Connection
from shared.dlq import list_dead_letters
from shared.envelope import Envelope, new_event
from shared.service import Service
from tests.integration.inventory.helpers import Counting, fill_recorded, register_warehouse, uid

# Records applied straight through the consumer's applier carry a partition no broker has.
PARTITION = 999


async def _statements_to_book(inventory: Service, batch: Sequence[Envelope[FillRecorded]]) -> int:
    async with inventory.transaction() as conn:
        counting = Counting(conn)
        await fills_recorded(cast(Connection, counting), batch, ctx=inventory.context)
    return counting.statements


async def test_a_batch_of_fills_is_booked_in_the_same_few_statements_whatever_its_size(
    inventory: Service, api: httpx.AsyncClient
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_warehouse(api, site)

    def batch(size: int) -> list[Envelope[FillRecorded]]:
        known = [fill_recorded(manufacturer_id=maker, warehouse_id=site) for _ in range(size)]
        return [*known, fill_recorded(manufacturer_id=maker, warehouse_id=uid("wh-unknown"))]

    small, large = batch(2), batch(40)

    # The locks, what is known, the lots, the ledger, the outbox, the held fills.
    assert await _statements_to_book(inventory, small) == 6
    assert await _statements_to_book(inventory, large) == 6
    booked = await inventory.pool.fetchval(
        "SELECT count(*) FROM movements WHERE kind = 'receipt' AND fill_id = ANY($1::text[])",
        [e.payload.fill_id for e in [*small, *large]],
    )
    assert booked == 42


async def test_a_batch_of_several_orders_applies_all_but_its_poison_once_in_order_and_again_nothing(
    inventory: Service, api: httpx.AsyncClient, bootstrap: str
) -> None:
    site, maker = uid("wh"), uid("maker")
    await register_warehouse(api, site)
    first = fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="3")
    order_a = first.payload.order_id
    other = fill_recorded(manufacturer_id=maker, warehouse_id=site, quantity="4")
    unknown_site = fill_recorded(manufacturer_id=maker, warehouse_id=uid("wh-unknown"))
    second = fill_recorded(manufacturer_id=maker, warehouse_id=site, order_id=order_a)
    # The same fill in a new envelope, as a replaying producer sends it.
    resent = fill_recorded(
        manufacturer_id=maker,
        warehouse_id=site,
        quantity="3",
        fill_id=first.payload.fill_id,
        order_id=order_a,
    )
    closed = _status_changed(order_a, maker)
    poison = _off_contract(fill_recorded(manufacturer_id=maker, warehouse_id=site))
    values = [
        encode(first),
        encode(other),
        poison,
        encode(unknown_site),
        encode(second),
        encode(first),  # delivered twice within the batch
        encode(resent),
        encode(closed),
    ]

    progress = await _apply(inventory, values)

    assert progress.retry is None
    assert progress.applied == len(values)
    assert progress.outcomes == {"processed": 5, "duplicate": 1, "dead_lettered": 1, "ignored": 1}
    booked = [first, other, second]
    assert await _receipts(inventory, maker) == [
        (e.payload.fill_id, f"lot:{e.payload.fill_id}") for e in booked
    ]
    held = await api.get("/v1/held-fills", params={"order_id": unknown_site.payload.order_id})
    assert [h["fill_id"] for h in held.json()["held_fills"]] == [unknown_site.payload.fill_id]
    assert await _holdings_updates(inventory, maker) == [
        (e.payload.order_id, e.correlation_id, str(e.event_id)) for e in booked
    ]
    [letter] = await _dead_letters(bootstrap, poison)
    assert (letter.reason, letter.partition, letter.offset) == ("invalid_payload", PARTITION, 2)

    again = await _apply(inventory, values)

    assert again.retry is None
    assert again.outcomes == {"duplicate": 7, "ignored": 1}
    assert len(await _receipts(inventory, maker)) == 3
    assert len(await _holdings_updates(inventory, maker)) == 3
    assert len(await _dead_letters(bootstrap, poison)) == 1


async def _apply(inventory: Service, values: list[bytes]) -> Progress:
    """One partition's batch through the consumer's own applier, as the consume loop gives it."""
    subscription = inventory.subscription(topics.SOURCING_ORDERS)
    records = [
        SimpleNamespace(
            topic=topics.SOURCING_ORDERS,
            partition=PARTITION,
            offset=offset,
            key=b"k",
            value=value,
            headers=[],
        )
        for offset, value in enumerate(values)
    ]
    applier = BatchApplier(inventory.name, inventory.transaction, lambda: inventory.publisher)
    items = [read_item(subscription, record, None, max_attempts=5) for record in records]
    return await applier.apply(topics.SOURCING_ORDERS, PARTITION, items)


def _status_changed(order_id: str, maker: str) -> Envelope[OrderStatusChanged]:
    changed = OrderStatusChanged.model_validate(
        {
            "order_id": order_id,
            "manufacturer_id": maker,
            "status": "filled",
            "mineral": "cobalt",
            "quantity": {"amount": "3", "unit": "t"},
            "filled": "3",
            "open": "0",
            "reason": "filled in full",
        }
    )
    return new_event(changed, producer="sourcing")


def _off_contract(event: Envelope[FillRecorded]) -> bytes:
    """A fill of less than nothing: it breaks the contract, whatever any retry does."""
    document = json.loads(encode(event))
    document["payload"]["quantity"]["amount"] = "-5"
    return json.dumps(document).encode()


async def _receipts(inventory: Service, owner: str) -> list[tuple[str, str]]:
    rows = await inventory.pool.fetch(
        "SELECT fill_id, lot_id FROM movements WHERE kind = 'receipt' AND owner = $1 ORDER BY seq",
        owner,
    )
    return [(row["fill_id"], row["lot_id"]) for row in rows]


async def _holdings_updates(inventory: Service, owner: str) -> list[tuple[str, str, str]]:
    """(key, correlation id, causation id) of the holdings.updated rows written for ``owner``."""
    rows = await inventory.pool.fetch(
        "SELECT key, value FROM outbox WHERE topic = $1 ORDER BY id", topics.INVENTORY_HOLDINGS
    )
    found = []
    for row in rows:
        event = json.loads(bytes(row["value"]))
        if event["payload"]["owner"] == owner:
            found.append((row["key"], event["correlation_id"], event["causation_id"]))
    return found


async def _dead_letters(bootstrap: str, value: bytes) -> list[Any]:
    letters = await list_dead_letters(bootstrap, topics.SOURCING_ORDERS)
    return [letter for letter in letters if letter.value == value]
