"""Requests and fills a batch at a time: one pass, a few statements, every guarantee kept."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from services.sourcing.handlers import place_requests, record_fills
from services.sourcing.settings import NAME
from shared import topics
from shared.codec import PoisonMessage, encode
from shared.consumer.batch import BatchApplier, read_item
from shared.contracts import (
    FillConfirmed,
    FillRecorded,
    LegRouted,
    OrderStatusChanged,
    ProcurementRequested,
)
from shared.dlq import list_dead_letters
from shared.envelope import Envelope
from shared.publisher import Publisher
from tests.integration.sourcing.batch_support import (
    Isolated,
    event,
    legs_of,
    market,
    placed,
)
from tests.integration.sourcing.builders import Scene
from tests.integration.sourcing.harness import unique

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

COBALT = Scene("cobalt", alone=True)
LITHIUM = Scene("lithium", alone=True)
NICKEL = Scene("nickel", alone=True)
COPPER = Scene("copper", alone=True)

PLACING_STATEMENTS = 13
"""Per batch of requests: the mineral locks, the insert of the orders, the phases, the
books, the traders and their open legs, the annual ceilings' tallies, the orders' policy
exceptions, the legs, the book, the decisions, the orders, the outbox."""
RECORDING_STATEMENTS = 8
"""Per batch of fills: the minerals' locks, the orders' locks, their legs, the known fills,
the legs, the fills, the orders, the outbox."""


async def test_a_batch_of_requests_is_placed_in_one_pass_oldest_first_per_mineral(
    isolated: Isolated,
) -> None:
    await market(isolated, COBALT, quantity="100")
    await market(isolated, LITHIUM, quantity="50")
    c1, c2, l1, l2 = (unique("order") for _ in range(4))
    first_c1 = event(COBALT.procurement(c1, quantity="60"))
    batch = [
        first_c1,
        event(LITHIUM.procurement(l1, quantity="30")),
        event(COBALT.procurement(c2, quantity="60")),
        event(COBALT.procurement(c1, quantity="60")),  # the same order again
        event(LITHIUM.procurement(l2, quantity="30")),
    ]

    statements = await isolated.apply(place_requests.requested, *batch)

    # Oldest first, each against the book as the one before it left it.
    assert [(await placed(isolated, o))["legs"] for o in (c1, c2, l1, l2)] == [
        [Decimal(60)],
        [Decimal(40)],
        [Decimal(30)],
        [Decimal(20)],
    ]
    waiting = await placed(isolated, c2)
    assert (waiting["status"], waiting["open_quantity"]) == ("routed", Decimal(20))
    assert waiting["open_reason"].startswith("no offer covers 20 t")
    # The second request under c1 changed nothing: one decision, one leg, one status.
    assert (await placed(isolated, c1))["decisions"] == 1
    said = await isolated.outbox(c1)
    assert [kind for kind, _ in said] == [LegRouted, OrderStatusChanged]
    assert {e["causation_id"] for _, e in said} == {str(first_c1.event_id)}
    assert {e["correlation_id"] for _, e in said} == {first_c1.correlation_id}
    assert [kind for kind, _ in await isolated.outbox(c2)] == [
        LegRouted,
        OrderStatusChanged,
    ]
    assert statements == PLACING_STATEMENTS

    # More lithium: the waiting rest of l2 is placed first; then a batch of one costs the same.
    await market(isolated, LITHIUM, quantity="100")
    assert (await placed(isolated, l2))["legs"] == [Decimal(20), Decimal(10)]
    single = await isolated.apply(
        place_requests.requested, event(LITHIUM.procurement(unique("order"), quantity="5"))
    )
    assert single == statements


@dataclass(frozen=True)
class _Record:
    """A Kafka record as the consumer hands it to the applier."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


async def test_a_refused_request_in_a_batch_is_named_and_the_others_apply_without_it(
    isolated: Isolated,
) -> None:
    good, bad_id, also_good = unique("order"), unique("order"), unique("order")
    refused = COBALT.procurement(bad_id).model_copy(update={"mineral": "unobtainium"})
    batch: list[Envelope[ProcurementRequested]] = [
        event(COBALT.procurement(good, quantity="1")),
        event(refused),
        event(COBALT.procurement(also_good, quantity="1")),
    ]

    with pytest.raises(PoisonMessage) as poison:
        await isolated.apply(place_requests.requested, *batch)
    assert (poison.value.event_id, poison.value.reason) == (batch[1].event_id, "request_refused")
    assert "'unobtainium' is not in the catalogue" in poison.value.detail
    stored = await isolated.pool.fetchval(
        "SELECT count(*) FROM orders WHERE order_id = ANY($1::text[])", [good, also_good]
    )
    assert stored == 0  # the batch's transaction rolled back whole

    # As the consumer applies it: the refused one is dead-lettered alone, the rest applied.
    (subscription,) = [
        s for s in isolated.ctx.service.subscriptions if s.topic == topics.PROCUREMENT_REQUESTED
    ]
    publisher = Publisher(isolated.bootstrap, client_id="test-batches")
    applier = BatchApplier(NAME, isolated.transaction, lambda: publisher)
    items = [
        read_item(
            subscription,
            _Record(topics.PROCUREMENT_REQUESTED, 0, offset, e.key.encode(), encode(e), []),
            None,
            5,
        )
        for offset, e in enumerate(batch, start=1_000_000)
    ]
    try:
        progress = await applier.apply(topics.PROCUREMENT_REQUESTED, 0, items)
    finally:
        await publisher.close()

    assert progress.retry is None
    assert progress.applied == 3
    assert progress.outcomes == {"processed": 2, "dead_lettered": 1}
    assert [(await placed(isolated, o))["decisions"] for o in (good, also_good)] == [1, 1]
    assert (
        await isolated.pool.fetchval("SELECT count(*) FROM orders WHERE order_id = $1", bad_id) == 0
    )
    (letter,) = [
        d
        for d in await list_dead_letters(isolated.bootstrap, topics.PROCUREMENT_REQUESTED)
        if str(batch[1].event_id).encode() in d.value
    ]
    assert (letter.reason, letter.consumer) == ("request_refused", NAME)


async def test_a_batch_of_fills_is_recorded_in_one_pass_once_each_never_beyond_a_leg(
    isolated: Isolated,
) -> None:
    await market(isolated, NICKEL, quantity="500")
    await market(isolated, COPPER, quantity="500")
    a_leg, b_leg = await legs_of(isolated, (NICKEL, "100"), (COPPER, "50"))
    a_first = event(NICKEL.fill(unique("fill"), a_leg, quantity="30"))
    a_rest = event(NICKEL.fill(unique("fill"), a_leg, quantity="70", leg_filled="100"))
    batch: list[Envelope[FillConfirmed]] = [
        a_first,
        event(COPPER.fill(unique("fill"), b_leg, quantity="20")),
        event(a_first.payload),  # the same fill, sent again under a new event id
        a_rest,
    ]

    statements = await isolated.apply(record_fills.confirmed, *batch)

    a_order, b_order = a_leg["order_id"], b_leg["order_id"]
    assert [
        ((await placed(isolated, o))["status"], (await placed(isolated, o))["filled"])
        for o in (a_order, b_order)
    ] == [("filled", Decimal(100)), ("partly_filled", Decimal(20))]
    legs = await isolated.pool.fetch(
        "SELECT leg_id, filled, status, closed_at IS NOT NULL AS closed FROM legs "
        "WHERE leg_id = ANY($1::text[]) ORDER BY leg_id",
        [a_leg["leg_id"], b_leg["leg_id"]],
    )
    assert {r["leg_id"]: (r["filled"], r["status"], r["closed"]) for r in legs} == {
        a_leg["leg_id"]: (Decimal(100), "filled", True),
        b_leg["leg_id"]: (Decimal(20), "open", False),
    }
    recorded = await isolated.pool.fetchval(
        "SELECT count(*) FROM fills WHERE order_id = ANY($1::text[])", [a_order, b_order]
    )
    assert recorded == 3  # the re-sent fill once
    said = await isolated.outbox(a_order)
    assert [kind for kind, _ in said][2:] == [
        FillRecorded,
        OrderStatusChanged,
        FillRecorded,
        OrderStatusChanged,
    ]
    assert [e["causation_id"] for _, e in said][2:] == [str(a_first.event_id)] * 2 + [
        str(a_rest.event_id)
    ] * 2
    assert [e["payload"]["status"] for kind, e in said if kind is OrderStatusChanged][1:] == [
        "partly_filled",
        "filled",
    ]
    assert statements == RECORDING_STATEMENTS
    single = await isolated.apply(
        record_fills.confirmed,
        event(COPPER.fill(unique("fill"), b_leg, quantity="5", leg_filled="25")),
    )
    assert single == statements


async def test_a_fill_beyond_what_the_batch_left_is_learnt_and_noted_never_refused(
    isolated: Isolated,
) -> None:
    await market(isolated, NICKEL, quantity="500")
    (leg,) = await legs_of(isolated, (NICKEL, "40"))
    first = event(NICKEL.fill(unique("fill"), leg, quantity="30"))
    # The gateway never confirms these (it holds the leg's row lock): a bug, if it did.
    over = event(NICKEL.fill(unique("fill"), leg, quantity="20", leg_filled="40"))
    last = event(NICKEL.fill(unique("fill"), leg, quantity="10", leg_filled="40"))
    unknown = event(NICKEL.fill(unique("fill"), {**leg, "order_id": unique("order")}, quantity="1"))

    await isolated.apply(record_fills.confirmed, first, over, unknown, last)

    order_id = leg["order_id"]
    assert (await placed(isolated, order_id))["status"] == "filled"
    recorded = await isolated.pool.fetch(
        "SELECT fill_id FROM fills WHERE order_id = $1 ORDER BY recorded_at", order_id
    )
    assert {r["fill_id"] for r in recorded} == {
        first.payload.fill_id,
        over.payload.fill_id,
        last.payload.fill_id,
    }
    said = [kind for kind, _ in await isolated.outbox(order_id)]
    assert said.count(FillRecorded) == 3  # each passed on to inventory: title passed
    noted = await isolated.pool.fetch("SELECT kind, fill_id FROM anomalies")
    assert {(r["kind"], r["fill_id"]) for r in noted} >= {
        ("fill_beyond_leg", over.payload.fill_id),
        ("fill_beyond_leg", last.payload.fill_id),
        ("fill_of_unknown_leg", unknown.payload.fill_id),
    }
