"""Fuzzed records onto the broker as a hostile producer writes them, and where each landed.

Every record goes through aiokafka's pure Python batch builder (``hostile_batch``), so
that header keys may be any bytes, in record batches of one partition: all of a batch's
records of one partition in as few record batches as fit (``together``), or one record
batch per record; compressed with any codec Kafka has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from aiokafka import AIOKafkaProducer
from aiokafka.record.default_records import DefaultRecordBase

from shared.kafka import murmur2_positive
from tests.support.fuzz.build import Record
from tests.support.kafka import RawRecord, hostile_batch

CODECS = {
    "none": DefaultRecordBase.CODEC_NONE,
    "gzip": DefaultRecordBase.CODEC_GZIP,
    "snappy": DefaultRecordBase.CODEC_SNAPPY,
    "lz4": DefaultRecordBase.CODEC_LZ4,
    "zstd": DefaultRecordBase.CODEC_ZSTD,
}
# Kafka refuses a record batch over message.max.bytes (1 MiB by default), compressed or not.
_BATCH_BYTES = 512 * 1024


def partition_of(record: Record, index: int, partitions: int) -> int:
    """As Kafka's producers choose: murmur2 of the key; a record without one, spread."""
    if record.key is None:
        return index % partitions
    return murmur2_positive(record.key) % partitions


def _chunks(
    records: Sequence[tuple[int, Record]], together: bool
) -> list[list[tuple[int, Record]]]:
    if not together:
        return [[item] for item in records]
    chunks: list[list[tuple[int, Record]]] = []
    size = 0
    for item in records:
        record = item[1]
        weight = len(record.key or b"") + len(record.value or b"") + 64
        if not chunks or size + weight > _BATCH_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += weight
    return chunks


async def send(
    producer: AIOKafkaProducer,
    topic: str,
    partitions: int,
    records: Sequence[Record],
    *,
    compression: str,
    together: bool,
    first_index: int,
) -> list[Record]:
    """Send ``records`` (in order within each partition); returns them with their offsets."""
    by_partition: dict[int, list[tuple[int, Record]]] = {}
    for position, record in enumerate(records):
        partition = partition_of(record, first_index + position, partitions)
        by_partition.setdefault(partition, []).append((position, record))
    placed: dict[int, Record] = {}
    futures = []
    for partition, items in by_partition.items():
        for chunk in _chunks(items, together):
            raw: list[RawRecord] = [(r.key, r.value, list(r.headers)) for _, r in chunk]
            batch = hostile_batch(producer, raw, compression_type=CODECS[compression])
            futures.append(
                (partition, chunk, await producer.send_batch(batch, topic, partition=partition))
            )
    for partition, chunk, future in futures:
        async with asyncio.timeout(30):
            metadata = await future
        for j, (position, record) in enumerate(chunk):
            placed[position] = replace(record, partition=partition, offset=metadata.offset + j)
    return [placed[i] for i in range(len(records))]
