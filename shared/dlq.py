"""Dead letters: poison messages kept with their original bytes, headers, reason and attempts.

A dead letter always fits a byte budget (``DEFAULT_BUDGET_BYTES``), however large the
original: Kafka refuses a record over ``max.request.size`` (producer) or
``message.max.bytes`` (broker, 1 MB by default) for good, and a consumer that cannot
dead-letter a record cannot move past it. What does not fit is given up in this order:
the value, then original headers (largest first), then the key (replaced by a short
marker with its sha256, so that letters of one key still share a partition). The
reason headers and where the original lies (topic, partition, offset) are always kept;
``vault.dlq.truncated`` names what was given up, with its size and sha256.

Header keys that were not UTF-8 (surrogate-escaped by ``shared.kafka_records``) cannot
be produced as they were: aiokafka's producer encodes every header key as strict UTF-8
(its C builder, ``_crecords/default_records.pyx``, refuses anything but an exact ``str``
and raises ``UnicodeEncodeError`` on surrogates). Such a key is written backslash-escaped
(``\\xff\\xfe``) and its exact bytes travel in ``vault.dlq.raw_header_key.<i>``, ``i``
being the header's index among the letter's original headers; ``parse_dead_letter``
puts the original key back.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka_security import KafkaSecurity, client_kwargs
from shared.publisher import Headers, Publisher, Record
from shared.topics import DLQ_SUFFIX, dead_letter_topic

PREFIX = "vault.dlq."
REPLAYED_FROM = "vault.replayed_from"
TRUNCATED = PREFIX + "truncated"
RAW_HEADER_KEY = PREFIX + "raw_header_key."
KEY_MARKER = b"vault.dlq.key-sha256:"

# Well under Kafka's defaults (message.max.bytes 1,048,588; max.request.size 1,048,576),
# leaving room for the request around the batch.
DEFAULT_BUDGET_BYTES = 768 * 1024
# Reason headers are bounded (below) to a few KiB; a budget under this could not hold them.
MIN_BUDGET_BYTES = 16 * 1024
# Counted as aiokafka's producer counts a record alone in its batch (61-byte batch header,
# 21 bytes of record overhead), with every length as a 5-byte varint: an upper bound.
_RECORD_OVERHEAD = 61 + 21
_VARINT = 5
_INDEX_DIGITS = 10  # room for any header index in a raw-key note's name

OriginalHeaders = Sequence[tuple[str, bytes | None]]


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
    truncated: tuple[str, ...] = ()  # what of the original the letter gave up


def record_size(key: bytes | None, value: bytes | None, headers: Headers) -> int:
    """An upper bound of a record's bytes on the wire, alone in its batch."""
    size = _RECORD_OVERHEAD + _nullable_size(key) + _nullable_size(value) + _VARINT
    return size + sum(_header_size(k, v) for k, v in headers)


def _nullable_size(data: bytes | None) -> int:
    return _VARINT + (0 if data is None else len(data))


def _header_size(key: str, value: bytes | None) -> int:
    return _VARINT + len(key.encode("utf-8", "surrogatepass")) + _nullable_size(value)


def original_key_bytes(key: str) -> bytes:
    """A header key's bytes on the wire; keys that were not UTF-8 come surrogate-escaped."""
    try:
        return key.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # lone surrogates of another origin
        return key.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class _Original:
    """One original header, as the dead letter can carry it."""

    index: int  # position among the original headers
    key: str  # what the producer can write: the key, or its escaped form
    value: bytes | None
    raw_key: bytes | None  # the exact key bytes, when ``key`` is an escaped form
    size: int  # what it adds to the letter, its raw-key note included


def _original(index: int, key: str, value: bytes | None) -> _Original:
    try:
        key.encode("utf-8")
        return _Original(index, key, value, None, _header_size(key, value))
    except UnicodeEncodeError:
        raw = original_key_bytes(key)
        escaped = raw.decode("utf-8", "backslashreplace")
        note = _header_size(RAW_HEADER_KEY + "9" * _INDEX_DIGITS, raw)
        return _Original(index, escaped, value, raw, _header_size(escaped, value) + note)


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).hexdigest().encode()


def _headers_digest(headers: Sequence[_Original]) -> bytes:
    """sha256 over the headers in order, each as int32 length + key, int32 length (-1) + value."""
    digest = hashlib.sha256()
    for h in headers:
        key = h.raw_key if h.raw_key is not None else h.key.encode()
        digest.update(struct.pack(">i", len(key)) + key)
        digest.update(struct.pack(">i", -1 if h.value is None else len(h.value)) + (h.value or b""))
    return digest.hexdigest().encode()


def _dropped_value(value: bytes) -> Headers:
    return [
        (PREFIX + "value_size", str(len(value)).encode()),
        (PREFIX + "value_sha256", _digest(value)),
    ]


def _dropped_headers(dropped: Sequence[_Original]) -> Headers:
    size = sum(len(h.raw_key or h.key.encode()) + len(h.value or b"") for h in dropped)
    return [
        (PREFIX + "headers_dropped", str(len(dropped)).encode()),
        (PREFIX + "headers_size", str(size).encode()),
        (PREFIX + "headers_sha256", _headers_digest(dropped)),
    ]


def _dropped_key(key: bytes) -> Headers:
    return [(PREFIX + "key_size", str(len(key)).encode()), (PREFIX + "key_sha256", _digest(key))]


def key_marker(key: bytes) -> bytes:
    """What stands for a key too large to keep: the same for the same key, so the same partition."""
    return KEY_MARKER + _digest(key)


# The most the "headers dropped" marks can take (no value of theirs is over 64 bytes).
_DROPPED_HEADERS_SIZE = sum(_header_size(k, b"9" * 64) for k, _ in _dropped_headers([]))


def dead_letter_record(
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes,
    headers: OriginalHeaders,
    reason: str,
    error: str,
    attempts: int,
    consumer: str,
    budget: int = DEFAULT_BUDGET_BYTES,
    refused: str = "",
) -> Record:
    """The dead letter of a record, within ``budget`` bytes (see the module docstring).

    ``refused``: why the broker refused an earlier, larger letter of the same record.
    """
    if budget < MIN_BUDGET_BYTES:
        raise ValueError(f"a dead letter needs a budget of at least {MIN_BUDGET_BYTES} bytes")
    # Every value is bounded, so that these always fit in MIN_BUDGET_BYTES.
    added = {
        "reason": reason[:200],
        "error": error[:2000],
        "attempts": str(attempts),
        "topic": topic[:255],
        "partition": str(partition),
        "offset": str(offset),
        "consumer": consumer[:200],
        "failed_at": datetime.now(UTC).isoformat(),
    }
    if refused:
        added["refused"] = refused[:500]
    meta: Headers = [(PREFIX + k, v.encode("utf-8", "backslashreplace")) for k, v in added.items()]
    # The sender's own vault.dlq.* headers would pass for ours: they are not kept.
    originals = [_original(i, k, v) for i, (k, v) in enumerate(headers) if not k.startswith(PREFIX)]
    kept_key, kept_value, kept_headers = _fit(meta, key, value, originals, budget)
    letter = Record(dead_letter_topic(topic), kept_key, kept_value, kept_headers)
    if record_size(letter.key, letter.value, letter.headers) > budget:  # cannot happen
        raise AssertionError("dead letter over its budget")
    return letter


_Letter = tuple[bytes | None, bytes, Headers]


def _fit(
    meta: Headers, key: bytes | None, value: bytes, originals: list[_Original], budget: int
) -> _Letter:
    """Give up the value, then headers (largest first), then the key, until it fits."""
    if _size(meta, key, value, originals) <= budget:
        return _letter(meta, key, value, originals, dropped=[])
    dropped: list[str] = []
    if value:
        meta, dropped = meta + _dropped_value(value), ["value"]
    if _size(meta, key, b"", originals) <= budget:
        return _letter(meta, key, b"", originals, dropped)
    marks_room = _DROPPED_HEADERS_SIZE if originals else 0
    key_marks: Headers = []
    if key is not None and _size(meta, key, b"", []) + marks_room > budget:
        # Not even without any header: the key goes, and headers may fit again.
        key_marks, key = _dropped_key(key), key_marker(key)
    kept = _smallest_within(originals, budget - _size(meta + key_marks, key, b"", []) - marks_room)
    if len(kept) < len(originals):
        meta = meta + _dropped_headers([h for h in originals if h.index not in kept])
        dropped.append("headers")
    if key_marks:
        meta, dropped = meta + key_marks, [*dropped, "key"]
    return _letter(meta, key, b"", [h for h in originals if h.index in kept], dropped)


def _smallest_within(originals: list[_Original], room: int) -> set[int]:
    """The indexes of as many headers as fit in ``room``: the smallest first."""
    kept: set[int] = set()
    for header in sorted(originals, key=lambda h: h.size):
        if header.size > room:
            break
        kept.add(header.index)
        room -= header.size
    return kept


def _size(meta: Headers, key: bytes | None, value: bytes, originals: list[_Original]) -> int:
    # Room for the truncated mark is always counted, whether it comes or not.
    marks = _header_size(TRUNCATED, b"value,headers,key")
    return record_size(key, value, meta) + marks + sum(h.size for h in originals)


def _letter(
    meta: Headers, key: bytes | None, value: bytes, kept: list[_Original], dropped: list[str]
) -> _Letter:
    headers: Headers = [(h.key, h.value) for h in kept]
    notes: Headers = [
        (f"{RAW_HEADER_KEY}{i}", h.raw_key) for i, h in enumerate(kept) if h.raw_key is not None
    ]
    marks: Headers = [(TRUNCATED, ",".join(dropped).encode())] if dropped else []
    return key, value, headers + meta + notes + marks


def _restored(headers: Headers) -> Headers:
    """A letter's original headers with their original keys (surrogate-escaped if not UTF-8)."""
    originals = [(k, v) for k, v in headers if not k.startswith(PREFIX)]
    for k, v in headers:
        index = k[len(RAW_HEADER_KEY) :] if k.startswith(RAW_HEADER_KEY) else ""
        if index.isdigit() and int(index) < len(originals) and v is not None:
            originals[int(index)] = (v.decode("utf-8", "surrogateescape"), originals[int(index)][1])
    return originals


def parse_dead_letter(
    partition: int, offset: int, key: bytes | None, value: bytes, headers: Headers
) -> DeadLetter:
    meta = {
        k[len(PREFIX) :]: (v or b"").decode(errors="replace")
        for k, v in headers
        if k.startswith(PREFIX)
    }
    return DeadLetter(
        dlq_partition=partition,
        dlq_offset=offset,
        topic=meta.get("topic", ""),
        partition=int(meta.get("partition", "-1")),
        offset=int(meta.get("offset", "-1")),
        key=key,
        value=value,
        headers=_restored(headers),
        reason=meta.get("reason", ""),
        error=meta.get("error", ""),
        attempts=int(meta.get("attempts", "0")),
        consumer=meta.get("consumer", ""),
        failed_at=meta.get("failed_at", ""),
        truncated=tuple(part for part in meta.get("truncated", "").split(",") if part),
    )


async def list_dead_letters(
    bootstrap_servers: str,
    topic: str,
    *,
    timeout_s: float = 10.0,
    security: KafkaSecurity | None = None,
) -> list[DeadLetter]:
    """Every dead letter of ``topic`` (read from its ``.dlq`` topic, from the start to the end)."""
    dlq = topic if topic.endswith(DLQ_SUFFIX) else dead_letter_topic(topic)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **client_kwargs(security),
    )
    async with asyncio.timeout(timeout_s):
        await consumer.start()
    letters: list[DeadLetter] = []
    try:
        partitions = await _partitions(bootstrap_servers, dlq, timeout_s, security)
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


async def _partitions(
    bootstrap_servers: str, topic: str, timeout_s: float, security: KafkaSecurity | None
) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_kwargs(security))
    async with asyncio.timeout(timeout_s):
        await admin.start()
    try:
        async with asyncio.timeout(timeout_s):
            described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [
        p["partition"]
        for d in described
        if d.get("error_code", 0) == 0
        for p in d.get("partitions", [])
    ]


class IncompleteDeadLetter(ValueError):
    """A dead letter that gave up part of its original cannot be replayed as the original."""


async def replay(letters: list[DeadLetter], publisher: Publisher) -> int:
    """Put each dead letter's original bytes back on its original topic, marked as a replay.

    Refuses, before sending anything, letters that gave up part of the original (their
    original is read from where ``topic``/``partition``/``offset`` say, while retained).
    Header keys that were not UTF-8 go out escaped, as in the letter: aiokafka's producer
    cannot write them.
    """
    incomplete = [f"{d.dlq_partition}:{d.dlq_offset}" for d in letters if d.truncated]
    if incomplete:
        raise IncompleteDeadLetter(
            f"dead letters at {', '.join(incomplete)} do not hold their whole original"
        )
    records = [
        Record(
            d.topic,
            d.key,
            d.value,
            [(h.key, h.value) for h in _sendable(d.headers) if h.key != REPLAYED_FROM]
            + [(REPLAYED_FROM, f"{d.dlq_partition}:{d.dlq_offset}".encode())],
        )
        for d in letters
    ]
    await publisher.publish(records)
    return len(records)


def _sendable(headers: Headers) -> list[_Original]:
    return [_original(i, k, v) for i, (k, v) in enumerate(headers)]
