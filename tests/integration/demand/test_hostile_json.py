"""JSON that pydantic's parser refuses, on the real intake: answered naming the field (issue 13, 5).

A 5,000-digit integer and a lone surrogate escape (``"\\ud800"``) are JSON, but pydantic's
parser (jiter) refuses the whole document for them, so the envelope was dead-lettered
as ``malformed`` and the sender never heard why. Where the ids can be read, the sender
is answered; where they cannot, the record is a dead letter as before.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer

from shared import topics
from shared.dlq import DeadLetter, list_dead_letters
from shared.service import Service
from tests.integration.demand.intake import demand_fields
from tests.integration.demand.tap import Tap

HUGE_INTEGER = "9" * 5000
HOSTILE_VALUES = {
    # request id -> (field, JSON text written in its place, the code it is answered with)
    "huge-int": ("quantity", HUGE_INTEGER, "not_text"),
    "huge-exponent": ("quantity", "1e999999", "not_text"),
    "huge-price": ("max_unit_price", "-" + HUGE_INTEGER, "not_text"),
    "surrogate-mineral": ("mineral", '"\\ud800cobalt"', "not_unicode"),
    "surrogate-unit": ("unit", '"t\\udfff"', "not_unicode"),
    "huge-kind": ("kind", HUGE_INTEGER, "unknown_kind"),
}


def envelope_with(payload: dict[str, object], raw_fields: dict[str, str]) -> bytes:
    """An intake envelope whose ``raw_fields`` are written as the given JSON text, verbatim."""
    marked = {**payload, **{name: f"@@{name}@@" for name in raw_fields}}
    event_id = str(uuid.uuid4())
    text = json.dumps(
        {
            "event_id": event_id,
            "type": "demand.submitted",
            "version": "1.0",
            "occurred_at": datetime.now(UTC).isoformat(),
            "producer": "acme-erp",
            "key": f"{payload['manufacturer_id']}:{payload.get('request_id')}",
            "correlation_id": event_id,
            "payload": marked,
        }
    )
    for name, raw in raw_fields.items():
        text = text.replace(json.dumps(f"@@{name}@@"), raw)
    return text.encode()


async def test_numbers_and_text_pydantic_refuses_are_answered_naming_the_field(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    for request_id, (field, raw, _) in HOSTILE_VALUES.items():
        value = envelope_with(demand_fields(manufacturer, request_id), {field: raw})
        await producer.send_and_wait(topics.DEMAND_INTAKE, value, key=request_id.encode())

    def ours(event: object) -> bool:
        return getattr(event, "payload", {}).get("manufacturer_id") == manufacturer

    answers = await tap.wait_for(topics.DEMAND_OUTCOMES, ours, len(HOSTILE_VALUES))
    assert {a.type for a in answers} == {"demand.rejected"}
    named = {
        a.payload["request_id"]: [(r["field"], r["code"]) for r in a.payload["reasons"]]
        for a in answers
    }
    assert named == {
        request_id: [(field, code)] for request_id, (field, _, code) in HOSTILE_VALUES.items()
    }


async def test_ids_that_cannot_be_read_are_still_dead_lettered(
    demand: Service, tap: Tap, producer: AIOKafkaProducer, manufacturer: str
) -> None:
    nobody = {
        "surrogate-id": envelope_with(
            demand_fields(manufacturer, "x"), {"request_id": '"\\ud800"'}
        ),
        "huge-id": envelope_with(demand_fields(manufacturer, "x"), {"request_id": HUGE_INTEGER}),
    }
    for name, value in nobody.items():
        await producer.send_and_wait(topics.DEMAND_INTAKE, value, key=name.encode())
    # Then a valid demand on each partition those went to: once answered, the letters are out.
    await producer.send_and_wait(
        topics.DEMAND_INTAKE,
        envelope_with(demand_fields(manufacturer, "after"), {}),
        key=b"surrogate-id",
    )
    await producer.send_and_wait(
        topics.DEMAND_INTAKE,
        envelope_with(demand_fields(manufacturer, "after-2"), {}),
        key=b"huge-id",
    )

    def answered(event: object) -> bool:
        payload = getattr(event, "payload", {})
        return payload.get("manufacturer_id") == manufacturer

    await tap.wait_for(topics.DEMAND_OUTCOMES, answered, 2)
    letters: dict[bytes, DeadLetter] = {}
    for _ in range(40):
        found = await list_dead_letters(
            demand.settings.kafka_bootstrap_servers, topics.DEMAND_INTAKE
        )
        letters = {d.value: d for d in found if d.value in nobody.values()}
        if len(letters) == len(nobody):
            break
        await asyncio.sleep(0.25)
    assert {d.reason for d in letters.values()} == {"demand_unaddressable"}
    assert "request_id" in letters[nobody["surrogate-id"]].error
    assert len(tap.events(topics.DEMAND_OUTCOMES, answered)) == 2


async def test_over_http_the_same_json_is_answered_naming_the_field(
    demand: Service, client: httpx.AsyncClient, manufacturer: str
) -> None:
    for request_id, (field, raw, code) in HOSTILE_VALUES.items():
        marked = {**demand_fields(manufacturer, request_id), field: "@@"}
        body = json.dumps(marked).replace('"@@"', raw).encode()
        answer = await client.post(
            "/v1/demands", content=body, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 422, (request_id, answer.text[:300])
        assert [(r["field"], r["code"]) for r in answer.json()["reasons"]] == [(field, code)]
