"""Sourcing's leg events applied a partition batch at a time, through the shared applier.

The batch is handed to the applier directly (as the consume loop would), so what is
in one batch is decided by the test, not by the broker's timing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from services.trader_gateway.handlers import legs
from shared import topics
from shared.codec import encode
from shared.consumer.batch import BatchApplier, Progress, read_item
from shared.contracts import LegCancelRequested, LegRouted, Quantity, UnitPrice
from shared.envelope import Envelope, new_event
from tests.integration.trader_gateway.harness import Gateway, unique
from tests.integration.trader_gateway.statements import Statements

# A partition of its own, so this test's inbox rows and offsets meet no other test's.
PARTITION = 9_000 + uuid.uuid4().int % 1_000


@dataclass(frozen=True)
class Record:
    """What the applier reads of a Kafka record."""

    offset: int
    value: bytes
    key: bytes | None = None
    topic: str = topics.SOURCING_LEGS
    partition: int = PARTITION
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def _routed(trader_id: str, **changes: Any) -> Envelope[LegRouted]:
    fields: dict[str, Any] = {
        "leg_id": unique("leg"),
        "order_id": unique("order"),
        "trader_id": trader_id,
        "manufacturer_id": "mfr-tesla-nv",
        "mineral": "cobalt",
        "market": "cobalt",
        "quantity": Quantity(amount=Decimal("100"), unit="t"),
        "limit_price": UnitPrice(amount=Decimal("33000"), per="t"),
        "deadline": datetime.now(UTC) + timedelta(days=2),
        "kind": "mandate",
        "tier_preference": ["domestic", "allied"],
        "phase": "replenishment",
        "policy_version": "policy-2026-03",
    }
    return new_event(LegRouted(**{**fields, **changes}), producer="sourcing")


def _cancelled(routed: LegRouted) -> Envelope[LegCancelRequested]:
    payload = LegCancelRequested(
        leg_id=routed.leg_id,
        order_id=routed.order_id,
        trader_id=routed.trader_id,
        reason="order closed",
    )
    return new_event(payload, producer="sourcing")


async def _apply(gateway: Gateway, events: Sequence[Envelope[Any]], start: int = 0) -> Progress:
    service = gateway.service
    subscription = service.subscription(topics.SOURCING_LEGS)
    applier = BatchApplier(service.name, service.transaction, lambda: service.publisher)
    records = [Record(start + i, encode(e), e.key.encode()) for i, e in enumerate(events)]
    items = [read_item(subscription, record, None, 5) for record in records]
    return await applier.apply(topics.SOURCING_LEGS, PARTITION, items)


async def _statuses(gateway: Gateway, *leg_ids: str) -> dict[str, str]:
    rows = await gateway.pool.fetch(
        "SELECT leg_id, status FROM legs WHERE leg_id = ANY($1::text[])", list(leg_ids)
    )
    return {row["leg_id"]: row["status"] for row in rows}


async def test_a_batch_of_many_orders_with_a_duplicate_and_a_poison_applies_the_rest_once(
    gateway: Gateway,
) -> None:
    trader, _ = await gateway.register_trader()
    first, second, third = (_routed(trader) for _ in range(3))
    # Contract-valid, but its limit is less than a micro-dollar per kg: no fill could meet it.
    poison = _routed(
        trader,
        quantity=Quantity(amount=Decimal("500"), unit="kg"),
        limit_price=UnitPrice(amount=Decimal("0.0009"), per="t"),
    )
    resent = new_event(second.payload, producer="sourcing")  # the same leg, a new event id
    batch: list[Envelope[Any]] = [first, second, poison, first, third, resent]
    batch.append(_cancelled(third.payload))

    progress = await _apply(gateway, batch)

    assert progress.retry is None
    assert progress.applied == len(batch)
    assert progress.outcomes == {"processed": 5, "duplicate": 1, "dead_lettered": 1}
    assert await _statuses(
        gateway, *(e.payload.leg_id for e in (first, second, third, poison))
    ) == {
        first.payload.leg_id: "open",
        second.payload.leg_id: "open",
        third.payload.leg_id: "cancelled",
    }
    dead = await gateway.pool.fetchval(
        "SELECT outcome FROM inbox WHERE event_id = $1", poison.event_id
    )
    assert dead == "dead_lettered"


async def test_the_same_batch_delivered_again_changes_nothing(gateway: Gateway) -> None:
    trader, _ = await gateway.register_trader()
    routed = [_routed(trader) for _ in range(4)]
    batch: list[Envelope[Any]] = [*routed, _cancelled(routed[0].payload)]
    await _apply(gateway, batch)
    before = await gateway.pool.fetch(
        "SELECT * FROM legs WHERE trader_id = $1 ORDER BY leg_id", trader
    )

    again = await _apply(gateway, batch)

    assert again.outcomes == {"duplicate": len(batch)}
    after = await gateway.pool.fetch(
        "SELECT * FROM legs WHERE trader_id = $1 ORDER BY leg_id", trader
    )
    assert [dict(r) for r in after] == [dict(r) for r in before]


async def test_a_cancellation_leaves_a_filled_leg_filled_and_an_open_one_cancelled(
    gateway: Gateway,
) -> None:
    trader, _ = await gateway.register_trader()
    open_leg, filled_leg = _routed(trader), _routed(trader)
    await _apply(gateway, [open_leg, filled_leg])
    await gateway.pool.execute(
        "UPDATE legs SET filled_quantity = quantity, status = 'filled' WHERE leg_id = $1",
        filled_leg.payload.leg_id,
    )

    await _apply(gateway, [_cancelled(open_leg.payload), _cancelled(filled_leg.payload)], 2)

    assert await _statuses(gateway, open_leg.payload.leg_id, filled_leg.payload.leg_id) == {
        open_leg.payload.leg_id: "cancelled",
        filled_leg.payload.leg_id: "filled",
    }


async def test_a_batch_of_routed_legs_is_one_statement_and_of_cancellations_two(
    gateway: Gateway,
) -> None:
    trader, _ = await gateway.register_trader()
    routed = [_routed(trader) for _ in range(25)]
    async with gateway.pool.acquire() as conn, conn.transaction():
        with Statements(conn) as inserted:
            await legs.routed(conn, [*routed, routed[3]])
        with Statements(conn) as updated:
            await legs.cancel_requested(
                conn, [_cancelled(r.payload) for r in routed], clock=lambda: datetime.now(UTC)
            )
    # Cancelling: lock the legs; then the legs, their closings and outbox rows in one write.
    assert (inserted.count, updated.count) == (1, 2)
    stored = await _statuses(gateway, *(r.payload.leg_id for r in routed))
    assert set(stored.values()) == {"cancelled"}
    assert len(stored) == 25
    for r in routed[:3]:
        assert await gateway.outbox(r.payload.order_id) == ["leg.closed"]


async def test_the_dead_letter_names_the_poison_event_with_its_original_bytes(
    gateway: Gateway,
) -> None:
    trader, _ = await gateway.register_trader()
    poison = _routed(
        trader,
        quantity=Quantity(amount=Decimal("1"), unit="kg"),
        limit_price=UnitPrice(amount=Decimal("0.0001"), per="t"),
    )
    good = _routed(trader)
    progress = await _apply(gateway, [poison, good])
    assert progress.outcomes == {"processed": 1, "dead_lettered": 1}
    row = await gateway.pool.fetchrow(
        "SELECT outcome, event_type FROM inbox WHERE event_id = $1", poison.event_id
    )
    assert row is not None
    assert (row["outcome"], row["event_type"]) == ("dead_lettered", "leg.routed")
    letter = await _dead_letter_of(gateway, poison.payload.leg_id)
    assert letter.value == encode(poison)
    headers = {k: v.decode() for k, v in letter.headers}
    assert headers["vault.dlq.reason"] == "invalid_payload"
    assert str(PARTITION) == headers["vault.dlq.partition"]


async def _dead_letter_of(gateway: Gateway, leg_id: str) -> ConsumerRecord[bytes, bytes]:
    consumer = AIOKafkaConsumer(
        topics.dead_letter_topic(topics.SOURCING_LEGS),
        bootstrap_servers=gateway.recorder.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            while True:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        if record.value is not None and leg_id.encode() in record.value:
                            return record
    finally:
        await consumer.stop()
