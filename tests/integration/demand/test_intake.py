"""Demand from manufacturers' systems on the Kafka intake, over the real broker and database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from services.demand.domain import DemandKey, order_id_for, replenishment_order_id
from shared import topics
from shared.codec import encode
from shared.contracts import ReplenishmentRequested
from shared.contracts.demand import DemandSubmitted
from shared.dlq import DeadLetter, list_dead_letters
from shared.envelope import RawEnvelope, new_event
from shared.service import Service
from tests.integration.demand.intake import (
    DELIVER_BY,
    LEAVE_OUT,
    demand_fields,
    send,
    submitted,
)
from tests.integration.demand.tap import Tap


def about(manufacturer: str, request_id: str | None = None) -> Callable[[RawEnvelope], bool]:
    """Matches the events concerning this manufacturer (and request)."""

    def match(event: RawEnvelope) -> bool:
        payload = event.payload
        return payload.get("manufacturer_id") == manufacturer and (
            request_id is None or payload.get("request_id") == request_id
        )

    return match


async def test_a_valid_demand_becomes_a_procurement_request_in_its_market(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    fields = demand_fields(
        manufacturer,
        "PO-1",
        mineral="Neodymium",
        quantity="2500.500",
        unit="kg",
        max_unit_price="95.25",
    )
    event = new_event(
        DemandSubmitted(**fields),
        key=f"{manufacturer}:PO-1",
        producer="acme-erp",
    )
    await send(producer, event)

    [requested] = await tap.wait_for(topics.PROCUREMENT_REQUESTED, about(manufacturer))
    [answer] = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer))
    order_id = order_id_for(DemandKey(manufacturer, "PO-1"))
    assert requested.type == "procurement.requested"
    assert requested.key == order_id
    assert requested.payload == {
        "order_id": order_id,
        "manufacturer_id": manufacturer,
        "request_id": "PO-1",
        "mineral": "neodymium",
        "market": "rare_earths",
        "quantity": {"amount": "2500.5", "unit": "kg"},
        "deliver_by": DELIVER_BY,
        "limit_price": {"amount": "95.25", "currency": "USD", "per": "kg"},
        "kind": "procurement",
    }
    # One story, by grep: the order's events carry the demand's id as correlation and cause.
    assert requested.correlation_id == str(event.event_id)
    assert requested.causation_id == str(event.event_id)
    assert (answer.type, answer.key) == ("demand.accepted", f"{manufacturer}:PO-1")
    assert answer.payload == {
        "manufacturer_id": manufacturer,
        "request_id": "PO-1",
        "order_id": order_id,
        "duplicate": False,
    }


async def test_a_replenishment_on_the_manufacturers_intake_is_rejected_with_its_reason(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    await send(producer, submitted(demand_fields(manufacturer, "rel-7", kind="replenishment")))

    [answer] = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer))
    assert answer.type == "demand.rejected"
    assert [(r["code"], r["field"]) for r in answer.payload["reasons"]] == [
        ("kind_not_accepted", "kind")
    ]
    assert tap.events(topics.PROCUREMENT_REQUESTED, about(manufacturer)) == []


def _replenishment(manufacturer: str, release_id: str, **changes: Any) -> ReplenishmentRequested:
    fields: dict[str, Any] = {
        "release_id": release_id,
        "request_id": f"replenish-{release_id}",
        "manufacturer_id": manufacturer,
        "mineral": "cobalt",
        "quantity": {"amount": "5", "unit": "t"},
        "deliver_by": DELIVER_BY,
        "limit_price": {"amount": "45000", "per": "t"},
        "price_basis": "dearest lot drawn plus 25% headroom",
    }
    fields.update(changes)
    return ReplenishmentRequested.model_validate(fields)


async def _from_inventory(producer: AIOKafkaProducer, *payloads: ReplenishmentRequested) -> None:
    for payload in payloads:
        event = new_event(payload, producer="inventory")
        await producer.send_and_wait(
            topics.INVENTORY_REPLENISHMENTS, encode(event), key=event.key.encode()
        )


async def test_a_release_becomes_one_replenishment_order_of_its_own_with_its_limit_price(
    demand: Service,
    tap: Tap,
    producer: AIOKafkaProducer,
    client: httpx.AsyncClient,
    manufacturer: str,
) -> None:
    # The manufacturer already used the id the old replenishment would have taken.
    await send(producer, submitted(demand_fields(manufacturer, "replenish-rel-9")))
    await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer))
    replenishment = _replenishment(manufacturer, "rel-9")

    await _from_inventory(producer, replenishment, replenishment)  # delivered twice

    requested = await tap.wait_for(topics.PROCUREMENT_REQUESTED, about(manufacturer), 2)
    own, bought_back = requested
    order_id = replenishment_order_id(manufacturer, "rel-9")
    assert own.payload["order_id"] == order_id_for(DemandKey(manufacturer, "replenish-rel-9"))
    assert bought_back.key == order_id != own.payload["order_id"]
    assert {k: bought_back.payload[k] for k in ("kind", "quantity", "limit_price")} == {
        "kind": "replenishment",
        "quantity": {"amount": "5", "unit": "t"},
        "limit_price": {"amount": "45000", "currency": "USD", "per": "t"},
    }
    read = await client.get(f"/v1/replenishments/{manufacturer}/rel-9")
    assert (read.status_code, read.json()["order_id"]) == (200, order_id)
    await asyncio.sleep(1.0)  # the second delivery has had time to be applied
    assert len(tap.events(topics.PROCUREMENT_REQUESTED, about(manufacturer))) == 2


async def test_a_resent_demand_is_acknowledged_as_a_duplicate_and_procured_once(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    first = submitted(demand_fields(manufacturer, "PO-2"))
    # The same demand written differently is the same demand.
    resent = submitted(
        demand_fields(manufacturer, "PO-2", mineral=" Cobalt", quantity="120.50", unit="T")
    )
    await send(producer, first, resent)

    answers = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer), 2)
    assert [(a.type, a.payload["duplicate"]) for a in answers] == [
        ("demand.accepted", False),
        ("demand.accepted", True),
    ]
    assert answers[0].payload["order_id"] == answers[1].payload["order_id"]
    # The relay publishes in commit order: the resend's answer is out, so is all before it.
    requested = tap.events(topics.PROCUREMENT_REQUESTED, about(manufacturer))
    assert [r.payload["quantity"] for r in requested] == [{"amount": "120.5", "unit": "t"}]


async def test_a_resend_with_different_content_is_a_conflict_and_changes_nothing(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    await send(
        producer,
        submitted(demand_fields(manufacturer, "PO-3")),
        submitted(demand_fields(manufacturer, "PO-3", quantity="999")),
    )

    answers = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer), 2)
    assert [a.type for a in answers] == ["demand.accepted", "demand.conflict"]
    conflict = answers[1].payload
    assert conflict["order_id"] == answers[0].payload["order_id"]
    assert "different content" in conflict["message"]
    requested = tap.events(topics.PROCUREMENT_REQUESTED, about(manufacturer))
    assert [r.payload["quantity"]["amount"] for r in requested] == ["120.5"]


BAD_DEMANDS: dict[str, tuple[dict[str, Any], str]] = {
    "unknown-mineral": ({"mineral": "unobtainium"}, "unknown_mineral"),
    "wrong-unit": ({"unit": "kg"}, "wrong_unit"),
    "zero-quantity": ({"quantity": "0"}, "quantity_not_positive"),
    "absurd-quantity": ({"quantity": "90000000"}, "quantity_too_large"),
    "quantity-not-a-number": ({"quantity": "lots"}, "quantity_not_a_number"),
    "quantity-as-json-number": ({"quantity": 120.5}, "not_text"),
    "past-date": ({"deliver_by": "2020-01-31"}, "deliver_by_not_in_future"),
    "not-a-date": ({"deliver_by": "31/01/2030"}, "deliver_by_not_a_date"),
    "negative-price": ({"max_unit_price": "-5"}, "max_unit_price_not_positive"),
    "absurd-price": ({"max_unit_price": "1e12"}, "max_unit_price_too_large"),
    "no-mineral": ({"mineral": LEAVE_OUT}, "missing"),
    "unknown-kind": ({"kind": "gift"}, "unknown_kind"),
}


async def test_each_kind_of_bad_input_is_rejected_with_its_published_reason(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    await send(
        producer,
        *(
            submitted(demand_fields(manufacturer, request_id, **changes))
            for request_id, (changes, _) in BAD_DEMANDS.items()
        ),
    )

    answers = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer), len(BAD_DEMANDS))
    assert {a.type for a in answers} == {"demand.rejected"}
    codes = {a.payload["request_id"]: [r["code"] for r in a.payload["reasons"]] for a in answers}
    assert codes == {request_id: [code] for request_id, (_, code) in BAD_DEMANDS.items()}
    assert all(r["message"] for a in answers for r in a.payload["reasons"])
    assert tap.events(topics.PROCUREMENT_REQUESTED, about(manufacturer)) == []


async def test_an_ill_formed_request_id_is_answered_though_it_cannot_be_stored(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    await send(producer, submitted(demand_fields(manufacturer, "PO 4\x00")))

    [answer] = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer))
    assert answer.type == "demand.rejected"
    assert [r["code"] for r in answer.payload["reasons"]] == ["request_id_malformed"]
    assert (
        await demand.pool.fetchval(
            "SELECT count(*) FROM demands WHERE manufacturer_id = $1", manufacturer
        )
        == 0
    )


async def test_a_rejected_request_id_resent_corrected_is_accepted(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    await send(
        producer,
        submitted(demand_fields(manufacturer, "PO-5", unit="kg")),
        submitted(demand_fields(manufacturer, "PO-5")),
    )

    answers = await tap.wait_for(topics.DEMAND_OUTCOMES, about(manufacturer), 2)
    assert [a.type for a in answers] == ["demand.rejected", "demand.accepted"]
    await tap.wait_for(topics.PROCUREMENT_REQUESTED, about(manufacturer))
    row = await demand.pool.fetchrow(
        "SELECT status, reasons, attempts FROM demands WHERE manufacturer_id = $1", manufacturer
    )
    assert row is not None
    assert (row["status"], row["reasons"], row["attempts"]) == ("accepted", "[]", 2)


async def test_unreadable_messages_are_dead_lettered_and_the_next_demand_is_processed(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    garbage = f"\x00not an envelope {manufacturer}".encode()
    nobody = submitted(demand_fields(manufacturer, LEAVE_OUT))
    stranger = submitted(demand_fields(manufacturer, "PO-6"), event_type="offer.published")
    await send(producer, garbage, nobody, stranger, submitted(demand_fields(manufacturer, "PO-7")))

    [requested] = await tap.wait_for(topics.PROCUREMENT_REQUESTED, about(manufacturer))
    assert requested.payload["request_id"] == "PO-7"
    # The three land on other partitions than PO-7 (other keys): wait for their letters too.
    ours: dict[bytes, DeadLetter] = {}
    for _ in range(40):
        letters = await list_dead_letters(
            demand.settings.kafka_bootstrap_servers, topics.DEMAND_INTAKE
        )
        ours = {
            d.value: d
            for d in letters
            if manufacturer.encode() in d.value and d.consumer == "demand"
        }
        if len(ours) == 3:
            break
        await asyncio.sleep(0.25)
    assert ours[garbage].reason == "malformed"
    assert ours[encode(nobody)].reason == "demand_unaddressable"
    assert "request_id is missing" in ours[encode(nobody)].error
    assert ours[encode(stranger)].reason == "unexpected_event_type"
    assert tap.events(topics.DEMAND_OUTCOMES, about(manufacturer, "PO-6")) == []
    # A quantity is always a decimal, never a float, on the way out.
    assert Decimal(requested.payload["quantity"]["amount"]) == Decimal("120.5")
