"""Kafka clients with our settings, never the libraries' defaults.

aiokafka and FastStream default to acks=1, no idempotence and auto-commit;
every client here says acks=all, idempotent, manual commits, bounded waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from shared import topics as topic_names

REQUEST_TIMEOUT_MS = 15_000


def make_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=REQUEST_TIMEOUT_MS,
        retry_backoff_ms=200,
    )


def make_broker(
    bootstrap_servers: str, *, client_id: str, logger: object | None = None
) -> KafkaBroker:
    """A FastStream broker whose publishers wait for every in-sync replica."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=REQUEST_TIMEOUT_MS,
        logger=logger,  # type: ignore[arg-type]
    )


def _configs(topic: str) -> dict[str, str]:
    # Dead letters wait for a fix and a replay: they must not expire with the default 7 days.
    if topic.endswith(topic_names.DLQ_SUFFIX):
        return {"retention.ms": "-1", "retention.bytes": "-1"}
    return {}


async def ensure_topics(
    bootstrap_servers: str,
    names: Iterable[str],
    *,
    partitions: int = 3,
    replicas: int = 1,
    with_dead_letters: bool = True,
    timeout_s: float = 30.0,
) -> None:
    """Create ``names`` (and their ``.dlq``) if missing; existing topics are left alone."""
    wanted = list(dict.fromkeys(names))
    if with_dead_letters:
        wanted += [
            topic_names.dead_letter_topic(n)
            for n in wanted
            if not n.endswith(topic_names.DLQ_SUFFIX)
        ]
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=REQUEST_TIMEOUT_MS
    )
    await asyncio.wait_for(admin.start(), timeout_s)
    try:
        existing = set(await asyncio.wait_for(admin.list_topics(), timeout_s))
        missing = [n for n in wanted if n not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another replica was first
                await asyncio.wait_for(
                    admin.create_topics(
                        [
                            NewTopic(n, partitions, replicas, topic_configs=_configs(n))
                            for n in missing
                        ]
                    ),
                    timeout_s,
                )
    finally:
        await admin.close()
