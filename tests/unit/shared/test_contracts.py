"""Each event contract states its identity once: type, topic, key; the registry reads it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared import topics
from shared.contracts import (
    EVENT_TYPES,
    EVENTS,
    DemandRejected,
    Event,
    ProcurementRequested,
    on_topic,
)
from shared.contracts.common import Quantity
from shared.contracts.demand import request_key
from shared.envelope import new_event, topic_of


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.EVENT_TYPE)
def test_every_event_names_a_known_topic_and_a_past_tense_type(event: type[Event]) -> None:
    assert event.TOPIC in topics.ALL
    assert EVENT_TYPES[event.EVENT_TYPE] is event
    assert event in on_topic(event.TOPIC)


def test_new_event_takes_type_version_and_key_from_the_contract() -> None:
    payload = ProcurementRequested(
        order_id="ord-1",
        manufacturer_id="m",
        request_id="r",
        mineral="cobalt",
        market="cobalt",
        quantity=Quantity(amount=Decimal("1"), unit="t"),
        deliver_by=date(2030, 1, 1),
    )
    event = new_event(payload, producer="demand")
    assert (event.type, event.version, event.key) == ("procurement.requested", "1.0", "ord-1")
    assert topic_of(event) == topics.PROCUREMENT_REQUESTED


def test_answers_to_ids_that_break_the_rules_are_keyed_by_a_hash() -> None:
    odd = DemandRejected(manufacturer_id="m\x00", request_id="r", reasons=[])
    assert odd.partition_key() == request_key("m\x00", "r")
    assert odd.partition_key().startswith("sha256:")
    plain = DemandRejected(manufacturer_id="m", request_id="r", reasons=[])
    assert plain.partition_key() == "m:r"


def test_keys_go_to_the_partition_kafkas_default_partitioner_picks() -> None:
    import os

    from aiokafka.partitioner import DefaultPartitioner

    from shared.kafka import keyed_partitioner

    default = DefaultPartitioner()
    for size in range(1, 80):
        key = os.urandom(size)
        for partitions in ([0], [0, 1, 2], list(range(12))):
            assert keyed_partitioner(key, partitions, partitions) == default(
                key, partitions, partitions
            )
