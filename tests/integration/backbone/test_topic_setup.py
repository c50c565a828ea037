"""Topics at start-up, on the real broker: refusals fail loudly, dead letters never expire.

Issue 13, 7: aiokafka answers topic creation per topic and raises for none, so a refusal
was ignored; and a dead-letter topic that already existed with the broker's defaults
(by hand, a tool, or broker-side auto-creation) kept letters 7 days.
"""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.kafka import TopicSetupError, ensure_topics
from shared.topics import dead_letter_topic
from tests.support.kafka import create_topic
from tests.support.toy import toy_service
from tests.support.waiting import eventually

WEEK_MS = str(7 * 24 * 3600 * 1000)


async def _configs(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, None)]
        )
    finally:
        await admin.close()
    [(_, _, _, _, entries)] = response.resources
    return {name: value for name, value, *_ in entries}


@pytest.mark.parametrize(
    ("names", "replicas", "said"),
    [(["bad topic name!"], 1, "error 17"), (None, 3, "error 38")],
    ids=["a name Kafka refuses", "more replicas than brokers"],
)
async def test_a_topic_the_broker_will_not_create_stops_the_start(
    bootstrap: str, topic: str, names: list[str] | None, replicas: int, said: str
) -> None:
    with pytest.raises(TopicSetupError, match=said):
        await ensure_topics(bootstrap, names or [topic], replicas=replicas)


async def test_a_dead_letter_topic_made_with_a_weeks_retention_is_corrected_at_start(
    bootstrap: str, database_url: str, topic: str
) -> None:
    dlq = dead_letter_topic(topic)
    # As made by hand or by a tool; compaction would keep one letter per key.
    await create_topic(
        bootstrap,
        dlq,
        configs={
            "retention.ms": WEEK_MS,
            "cleanup.policy": "compact",
            "max.message.bytes": "2000000",
        },
    )
    assert (await _configs(bootstrap, dlq))["retention.ms"] == WEEK_MS
    service = toy_service(
        "toy", source=topic, forward_to=None, bootstrap=bootstrap, database_url=database_url
    )
    await service.start()
    try:

        async def corrected() -> bool:
            configs = await _configs(bootstrap, dlq)
            return (
                configs["retention.ms"],
                configs["retention.bytes"],
                configs["cleanup.policy"],
            ) == ("-1", "-1", "delete")

        await eventually(corrected, timeout_s=15, what="the dead-letter topic corrected")
    finally:
        await service.stop()
    # The topic's other settings are its own and stay.
    assert (await _configs(bootstrap, dlq))["max.message.bytes"] == "2000000"


async def test_a_correct_dead_letter_topic_is_left_as_it_is(bootstrap: str, topic: str) -> None:
    await ensure_topics(bootstrap, [topic])
    await asyncio.sleep(0.5)  # configs reach the broker's view through the metadata log
    before = await _configs(bootstrap, dead_letter_topic(topic))
    await ensure_topics(bootstrap, [topic])
    assert await _configs(bootstrap, dead_letter_topic(topic)) == before
    assert (before["retention.ms"], before["retention.bytes"]) == ("-1", "-1")
