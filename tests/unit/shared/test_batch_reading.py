"""How the batch applier reads a record: JSON only pydantic refuses reaches lenient handlers only."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from shared.codec import PoisonMessage
from shared.consumer import Subscription, on_batch, on_raw_batch
from shared.consumer.batch import _named, _poisoned, read_item
from shared.contracts import DemandAccepted, DemandSubmitted
from shared.db import Connection

HUGE = "9" * 5000


async def _nothing(conn: Connection, events: Sequence[Any]) -> None:
    return None


def _record(event_type: str, field_json: str) -> SimpleNamespace:
    text = json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "type": event_type,
            "version": "1.0",
            "occurred_at": datetime.now(UTC).isoformat(),
            "producer": "p",
            "key": "k",
            "correlation_id": "c",
            "payload": {"manufacturer_id": "m", "request_id": "r", "quantity": "@@"},
        }
    ).replace('"@@"', field_json)
    return SimpleNamespace(
        topic="t", partition=0, offset=7, key=b"k", value=text.encode(), headers=[]
    )


def test_a_lenient_handler_is_given_what_only_python_json_reads() -> None:
    lenient = Subscription("t", [on_raw_batch(DemandSubmitted, _nothing)])
    for raw in (HUGE, '"\\ud800"'):
        item = read_item(lenient, _record("demand.submitted", raw), None, 5)
        assert item.poison is None
        assert item.event is not None
        assert item.entry.outcome == "applied"


def test_a_strict_handler_still_sees_it_as_malformed() -> None:
    strict = Subscription("t", [on_batch(DemandAccepted, _nothing)])
    item = read_item(strict, _record("demand.accepted", HUGE), None, 5)
    assert item.poison is not None
    assert item.poison.reason == "malformed"


def test_another_type_on_a_lenient_topic_is_not_read_tolerantly() -> None:
    lenient = Subscription("t", [on_raw_batch(DemandSubmitted, _nothing)])
    item = read_item(lenient, _record("demand.accepted", HUGE), None, 5)
    assert item.poison is not None
    assert item.poison.reason == "malformed"


def test_poison_naming_a_reused_id_takes_out_the_very_event_and_never_one_twice() -> None:
    # A sender reused an id: two events of one id in a batch. The poison names the event
    # the handler refused; without it, the first of that id not yet taken out, so that
    # applying again always moves on (it once named the same item for ever).
    lenient = Subscription("t", [on_raw_batch(DemandSubmitted, _nothing)])
    first = read_item(lenient, _record("demand.submitted", '"1"'), None, 5)
    assert first.event is not None
    event_id = first.event.event_id
    second = replace(first, event=first.event.model_copy(), offset=8)
    items = [first, second]
    assert _named(items, PoisonMessage("x", event_id=event_id, event=second.event)) == 1
    by_id = PoisonMessage("x", event_id=event_id)
    assert _named(items, by_id) == 0
    items[0] = _poisoned(items[0], by_id)
    assert _named(items, by_id) == 1
    items[1] = _poisoned(items[1], by_id)
    assert _named(items, by_id) is None
