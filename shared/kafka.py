"""Kafka clients with our settings, never the libraries' defaults.

aiokafka and FastStream default to acks=1, no idempotence and auto-commit;
every client here says acks=all, idempotent, manual commits, bounded waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import struct
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.partitioner import DefaultPartitioner

from shared import topics as topic_names
from shared.kafka_retention import FOREVER, RetentionError, keep_dead_letters_forever
from shared.kafka_security import KafkaSecurity, client_kwargs

# Kafka's error codes that creating a topic may answer and that are fine.
_NO_ERROR, _TOPIC_ALREADY_EXISTS = 0, 36
_TOPIC_AUTHORIZATION_FAILED = 29

REQUEST_TIMEOUT_MS = 15_000


_M = 0x5BD1E995


def murmur2_positive(data: bytes) -> int:
    """Kafka's murmur2 of ``data``, masked positive as its partitioner does.

    The same arithmetic as aiokafka's (and the Java client's), a word at a time instead
    of a byte at a time: half the time. ``tests/unit/shared`` checks they agree.
    """
    length = len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    words = length // 4
    for k in struct.unpack_from(f"<{words}I", data):
        k = (k * _M) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * _M) & 0xFFFFFFFF
        h = ((h * _M) & 0xFFFFFFFF) ^ k
    tail = data[words * 4 :]
    if tail:
        for shift, byte in reversed(list(enumerate(tail))):
            h ^= byte << (8 * shift)
        h = (h * _M) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * _M) & 0xFFFFFFFF
    h ^= h >> 15
    return h & 0x7FFFFFFF


@functools.lru_cache(maxsize=65_536)
def _hash(key: bytes) -> int:
    return murmur2_positive(key)


def keyed_partitioner(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """Kafka's default partitioning (murmur2 of the key, as the Java client), remembered.

    aiokafka's murmur2 is pure Python, and every event of an order is sent under the
    same key several times over its life: the hash is kept for recently seen keys.
    """
    if key is None:
        return int(_UNKEYED(key, all_partitions, available))
    return all_partitions[_hash(bytes(key)) % len(all_partitions)]


_UNKEYED = DefaultPartitioner()  # a record without a key goes to a random partition


def make_producer(
    bootstrap_servers: str, *, client_id: str, security: KafkaSecurity | None = None
) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        **client_kwargs(security),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
        partitioner=keyed_partitioner,
        request_timeout_ms=REQUEST_TIMEOUT_MS,
        retry_backoff_ms=200,
    )


def _configs(topic: str) -> dict[str, str]:
    # Dead letters wait for a fix and a replay: they must not expire with the default 7 days.
    if topic.endswith(topic_names.DLQ_SUFFIX):
        return dict(FOREVER)
    return {}


async def ensure_topics(
    bootstrap_servers: str,
    names: Iterable[str],
    *,
    partitions: int = 3,
    replicas: int = 1,
    with_dead_letters: bool = True,
    timeout_s: float = 30.0,
    security: KafkaSecurity | None = None,
) -> None:
    """Create ``names`` (and their ``.dlq``) if missing; of the existing topics, only the
    dead-letter ones are touched: corrected to keep their letters for ever, or the start
    fails (``shared.kafka_retention``)."""
    wanted = list(dict.fromkeys(names))
    if with_dead_letters:
        wanted += [
            topic_names.dead_letter_topic(n)
            for n in wanted
            if not n.endswith(topic_names.DLQ_SUFFIX)
        ]
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        request_timeout_ms=REQUEST_TIMEOUT_MS,
        **client_kwargs(security),
    )
    async with asyncio.timeout(timeout_s):
        await admin.start()
    try:
        async with asyncio.timeout(timeout_s):
            existing = set(await admin.list_topics())
        missing = [n for n in wanted if n not in existing]
        if missing:
            async with asyncio.timeout(timeout_s):
                response = await admin.create_topics(
                    [NewTopic(n, partitions, replicas, topic_configs=_configs(n)) for n in missing]
                )
            # aiokafka answers per topic and raises for none of them: check each.
            failed = [
                f"{name}: error {code} {message or ''}".strip()
                for name, code, *rest in response.topic_errors
                for message in [rest[0] if rest else None]
                if code not in (_NO_ERROR, _TOPIC_ALREADY_EXISTS)
            ]
            if failed:
                hint = (
                    " (not ours to create: in the secure profile the launcher creates every"
                    " topic, and this principal may not see it: check its ACLs)"
                    if any(
                        code == _TOPIC_AUTHORIZATION_FAILED for _, code, *_ in response.topic_errors
                    )
                    else ""
                )
                raise TopicSetupError("; ".join(failed) + hint)
        dead_letters = [n for n in wanted if n in existing and n.endswith(topic_names.DLQ_SUFFIX)]
        try:
            await keep_dead_letters_forever(admin, dead_letters, timeout_s=timeout_s)
        except RetentionError as exc:
            raise TopicSetupError(str(exc)) from exc
    finally:
        await admin.close()


class TopicSetupError(RuntimeError):
    """The broker would not create a topic the service needs: it must not start without it."""


async def ping(
    bootstrap_servers: str, *, timeout_s: float = 2.0, security: KafkaSecurity | None = None
) -> bool:
    """Whether a broker answers a metadata request (as this principal: wrong credentials fail)."""
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=2_000, **client_kwargs(security)
    )
    try:
        async with asyncio.timeout(timeout_s):
            await client.bootstrap()
        return True
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await client.close()
