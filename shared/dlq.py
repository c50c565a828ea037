"""Dead letters: poison messages kept with their original bytes, headers, reason and attempts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.publisher import Headers, Publisher, Record
from shared.topics import DLQ_SUFFIX, dead_letter_topic

PREFIX = "vault.dlq."
REPLAYED_FROM = "vault.replayed_from"


@dataclass(frozen=True)
class DeadLetter:
    dlq_partition: int
    dlq_offset: int
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: Headers
    reason: str
    error: str
    attempts: int
    consumer: str
    failed_at: str


def dead_letter_record(
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes,
    headers: Headers,
    reason: str,
    error: str,
    attempts: int,
    consumer: str,
) -> Record:
    added = {
        "reason": reason,
        "error": error[:2000],
        "attempts": str(attempts),
        "topic": topic,
        "partition": str(partition),
        "offset": str(offset),
        "consumer": consumer,
        "failed_at": datetime.now(UTC).isoformat(),
    }
    kept = [(k, v) for k, v in headers if not k.startswith(PREFIX)]
    return Record(
        dead_letter_topic(topic),
        key,
        value,
        kept + [(PREFIX + k, v.encode()) for k, v in added.items()],
    )


def truncated(letter: Record, why: str) -> Record:
    """The dead letter without the original value and headers, marked so; its topic,
    partition and offset still say where the original can be read while it is retained."""
    kept = [(k, v) for k, v in letter.headers if k.startswith(PREFIX)]
    return Record(
        letter.topic, letter.key, b"", [*kept, (PREFIX + "truncated", why[:500].encode())]
    )


def parse_dead_letter(
    partition: int, offset: int, key: bytes | None, value: bytes, headers: Headers
) -> DeadLetter:
    meta = {
        k[len(PREFIX) :]: v.decode(errors="replace") for k, v in headers if k.startswith(PREFIX)
    }
    return DeadLetter(
        dlq_partition=partition,
        dlq_offset=offset,
        topic=meta.get("topic", ""),
        partition=int(meta.get("partition", "-1")),
        offset=int(meta.get("offset", "-1")),
        key=key,
        value=value,
        headers=[(k, v) for k, v in headers if not k.startswith(PREFIX)],
        reason=meta.get("reason", ""),
        error=meta.get("error", ""),
        attempts=int(meta.get("attempts", "0")),
        consumer=meta.get("consumer", ""),
        failed_at=meta.get("failed_at", ""),
    )


async def list_dead_letters(
    bootstrap_servers: str, topic: str, *, timeout_s: float = 10.0
) -> list[DeadLetter]:
    """Every dead letter of ``topic`` (read from its ``.dlq`` topic, from the start to the end)."""
    dlq = topic if topic.endswith(DLQ_SUFFIX) else dead_letter_topic(topic)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await asyncio.wait_for(consumer.start(), timeout_s)
    letters: list[DeadLetter] = []
    try:
        partitions = await _partitions(bootstrap_servers, dlq, timeout_s)
        tps = [TopicPartition(dlq, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        reached = {tp: 0 for tp in tps}
        while any(reached[tp] < ends[tp] for tp in tps) and loop.time() < deadline:
            for tp, messages in (await consumer.getmany(*tps, timeout_ms=300)).items():
                if messages:
                    reached[tp] = messages[-1].offset + 1
                letters += [
                    parse_dead_letter(
                        tp.partition, m.offset, m.key, m.value or b"", list(m.headers or [])
                    )
                    for m in messages
                ]
    finally:
        await consumer.stop()
    return sorted(letters, key=lambda d: (d.dlq_partition, d.dlq_offset))


async def _partitions(bootstrap_servers: str, topic: str, timeout_s: float) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await asyncio.wait_for(admin.start(), timeout_s)
    try:
        described = await asyncio.wait_for(admin.describe_topics([topic]), timeout_s)
    finally:
        await admin.close()
    return [
        p["partition"]
        for d in described
        if d.get("error_code", 0) == 0
        for p in d.get("partitions", [])
    ]


async def replay(letters: list[DeadLetter], publisher: Publisher) -> int:
    """Put each dead letter's original bytes back on its original topic, marked as a replay."""
    records = [
        Record(
            d.topic,
            d.key,
            d.value,
            [(k, v) for k, v in d.headers if k != REPLAYED_FROM]
            + [(REPLAYED_FROM, f"{d.dlq_partition}:{d.dlq_offset}".encode())],
        )
        for d in letters
    ]
    await publisher.publish(records)
    return len(records)
