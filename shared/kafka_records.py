"""Every record a plain ``AIOKafkaConsumer`` fetches, whatever bytes its header keys hold.

Why
---
On the wire a header key is a length and some bytes; Kafka's Java client decodes them
leniently, so any client can write keys that are not UTF-8 (``kcat -H $'\\xff\\xfe=x'``)
and the broker stores them as they are. aiokafka 0.14.0 decodes them strictly while it
iterates a fetched batch:

- C extension (the default): ``aiokafka/record/_crecords/default_records.pyx:362``,
  ``DefaultRecordBatch._read_msg``: ``headers.append((h_key.decode("utf-8"), h_value))``
  raises ``UnicodeDecodeError``;
- pure Python (``AIOKAFKA_NO_EXTENSIONS=1``): ``aiokafka/record/default_records.py:297``,
  ``h_key = buffer[...].decode("utf-8")``, which ``__next__`` (line 337) turns into
  ``CorruptRecordException`` because ``UnicodeDecodeError`` is a ``ValueError``.

The error leaves ``PartitionRecords._unpack_records`` (``consumer/fetcher.py:256``,
``for record in next_batch``), which kills that generator, and comes out of
``getmany``/``getone``. The partition's position stays where the fetch began, so every
refetch raises again: the partition is blocked for good. Worse, ``fetched_records``
(``fetcher.py:1228``) had already moved the positions of partitions drained earlier in
the same ``getmany`` call, whose records are then lost with the exception.

What ``install()`` does
-----------------------
Two narrow changes to ``aiokafka.consumer.fetcher``, for the C and the Python readers alike:

1. ``fetcher.MemoryRecords`` (built once per partition per fetch response, line 833)
   becomes a subclass that also keeps the response's bytes, which the C class holds
   privately: the only way to read the failing batch again.
2. ``PartitionRecords.__next__`` gets the same body plus one ``except`` clause. The
   normal path runs exactly the same bytecode as before (a ``try`` costs nothing until it
   raises, Python 3.11+); measured overhead is in ``benchmarks/records_bench.py``.

When a batch fails on a header key, the batch is found again in the kept bytes (by the
base offset of aiokafka's ``next_batch``, from the traceback), re-read in Python with header keys
decoded with ``surrogateescape``, its remaining records are handed out as ordinary
``ConsumerRecord``s through aiokafka's own ``_consumer_record``, and aiokafka's iterator
resumes for the rest of the fetch. Before any of that the failure is confirmed to be a
header key (replaying aiokafka's walk through the batch), so a deserializer's or a truly
corrupt record's error still propagates unchanged. ``original_bytes(key)`` gives back the
key's bytes exactly.

Control batches, aborted transactions (``read_committed``) and compression stay with
aiokafka: a batch reaches the re-read only after aiokafka chose to iterate it (so it is a
committed data batch) and decompressed and CRC-checked it.

Upgrades
--------
Targets aiokafka ``0.14.0`` only. Importing this module checks the version and the
source of every aiokafka function the change relies on, and ``install()`` runs a
self-test through the real reader, so an upgrade fails loudly instead of silently
blocking partitions again. To upgrade: re-read the functions in ``_FINGERPRINTS``,
update them and ``TARGET_AIOKAFKA``, and run ``tests/unit/shared/test_kafka_records.py``.
"""

from __future__ import annotations

import hashlib
import inspect
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiokafka
from aiokafka.consumer import fetcher
from aiokafka.errors import CorruptRecordException
from aiokafka.record.default_records import (
    DefaultRecordBase,
    _DefaultRecordBatchBuilderPy,
    _DefaultRecordBatchPy,
    _DefaultRecordPy,
)
from aiokafka.record.util import decode_varint
from aiokafka.structs import TopicPartition

TARGET_AIOKAFKA = "0.14.0"

# sha256 of the source of each aiokafka function this module copies or relies on.
_FINGERPRINTS = {
    "PartitionRecords.__next__": "63ac34a08c309098fe6f0a08bc2870a6535069d7671187729bb5ffabd8efe2ac",
    "PartitionRecords._unpack_records": (
        "b803e6d46480732c7a7faa8e784b338bcdd4e707ea67fba96c013654b04b8a08"
    ),
    "PartitionRecords._consumer_record": (
        "e668541600b047ab928a9008b54c00951d9ae7e2a11b82e7b00f3a5d71b0cc0c"
    ),
}
_REPLAYING = "_vault_replaying"  # set on a PartitionRecords while it hands out a re-read batch

# Record batch layout (magic 2), as in DefaultRecordBase.HEADER_STRUCT.
_LOG_OVERHEAD = 12  # BaseOffset int64, Length int32
_MAGIC_AT = 16


class AiokafkaChanged(RuntimeError):
    """aiokafka is not the version whose internals ``shared.kafka_records`` patches."""


def original_bytes(header_key: str) -> bytes:
    """The bytes a header key had on the wire (keys that were not UTF-8 come surrogate-escaped)."""
    return header_key.encode("utf-8", "surrogateescape")


def check_aiokafka() -> None:
    """Fail loudly if aiokafka is not the version, or its functions not the code, we patched."""
    if aiokafka.__version__ != TARGET_AIOKAFKA:
        raise AiokafkaChanged(
            f"shared.kafka_records targets aiokafka {TARGET_AIOKAFKA}, found "
            f"{aiokafka.__version__}: re-check its record reading (see the module docstring)"
        )
    for name, expected in _FINGERPRINTS.items():
        owner, attribute = name.split(".")
        function = getattr(getattr(fetcher, owner, None), attribute, None)
        if function is _next:  # already installed: the original was checked before
            continue
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            source = ""
        if hashlib.sha256(source.encode()).hexdigest() != expected:
            raise AiokafkaChanged(f"aiokafka's fetcher.{name} is not the code we patched")
    if "MemoryRecords(part_data[-1])" not in inspect.getsource(fetcher.Fetcher._proc_fetch_request):
        raise AiokafkaChanged("aiokafka's fetcher no longer builds MemoryRecords from a response")


_original_memory_records: Any = None
_original_next: Any = None


def install() -> None:
    """Make every ``AIOKafkaConsumer`` in this process tolerate any header key. Idempotent.

    Call once at startup, before the first fetch; raises ``AiokafkaChanged`` when the
    change cannot be trusted to work.
    """
    global _original_memory_records, _original_next
    check_aiokafka()
    if installed():
        return
    _original_memory_records = fetcher.MemoryRecords
    _original_next = fetcher.PartitionRecords.__next__
    fetcher.MemoryRecords = _keeping_bytes(fetcher.MemoryRecords)
    fetcher.PartitionRecords.__next__ = _next
    try:
        _self_test()
    except BaseException:
        uninstall()
        raise


def uninstall() -> None:
    """aiokafka as it came (for comparisons: benchmarks and tests)."""
    global _original_memory_records, _original_next
    if not installed():
        return
    fetcher.MemoryRecords = _original_memory_records
    fetcher.PartitionRecords.__next__ = _original_next
    _original_memory_records = _original_next = None


def installed() -> bool:
    return fetcher.PartitionRecords.__next__ is _next


def _keeping_bytes(base: type) -> type:
    class FetchedRecords(base):  # type: ignore[misc]
        """aiokafka's MemoryRecords that also keeps the fetched bytes, to re-read a batch."""

        __slots__ = ("raw",)

        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.raw = data

    return FetchedRecords


def _next(self: Any) -> Any:
    """``PartitionRecords.__next__`` of aiokafka 0.14.0, plus recovery from a header key."""
    try:
        return next(self._records_iterator)
    except StopIteration:
        # Break reference cycle just in case (as aiokafka does)
        self._records_iterator = None
        raise
    except (UnicodeDecodeError, CorruptRecordException) as exc:
        resumed = _resume_after(self, exc)
        if resumed is None:
            raise
        self._records_iterator = resumed
    return _next(self)


@dataclass(frozen=True)
class _Reread:
    record: Any  # aiokafka's _DefaultRecordPy
    strict_keys: bool  # whether aiokafka's strict UTF-8 decoding takes every header key


def _resume_after(parts: Any, exc: Exception) -> Iterator[Any] | None:
    """An iterator that goes on from the failing batch, or None if the error is not ours."""
    if not _is_decoding_error(exc) or getattr(parts, _REPLAYING, False):
        return None  # e.g. a deserializer's error while we hand out a re-read batch
    raw = getattr(parts._records, "raw", None)
    base_offset = _failing_batch_offset(exc)
    batch = None
    if isinstance(raw, bytes) and base_offset is not None:
        batch = _batch_at(raw, base_offset)
    if batch is None:
        return None
    try:
        records, next_offset = _reread(batch)
    except CorruptRecordException:
        return None  # truly corrupt: aiokafka's own error stands
    if not _fails_on_header_key(records, parts.next_fetch_offset):
        return None
    return _replay(parts, [r.record for r in records], next_offset)


def _is_decoding_error(exc: Exception) -> bool:
    # The C reader raises UnicodeDecodeError itself; the Python one wraps it.
    return isinstance(exc, UnicodeDecodeError) or isinstance(exc.__cause__, UnicodeDecodeError)


def _failing_batch_offset(exc: Exception) -> int | None:
    """The base offset of the batch aiokafka was iterating when it raised.

    The traceback keeps the frame of ``_unpack_records`` (the innermost one, if we resumed
    it before), and its local ``next_batch`` is the batch: no guessing from offsets.
    """
    found, unpack_records = None, fetcher.PartitionRecords._unpack_records.__code__
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code is unpack_records:
            found = traceback.tb_frame.f_locals.get("next_batch")
        traceback = traceback.tb_next
    offset = getattr(found, "base_offset", None)
    return offset if isinstance(offset, int) else None


def _batch_at(raw: bytes, base_offset: int) -> memoryview | None:
    """The complete batch (magic 2) of the fetched bytes that starts at ``base_offset``."""
    pos = 0
    while pos + _LOG_OVERHEAD <= len(raw):
        offset, length = struct.unpack_from(">qi", raw, pos)
        end = pos + _LOG_OVERHEAD + length
        if length < 0 or end > len(raw):
            return None
        if (
            offset == base_offset
            and length > _MAGIC_AT - _LOG_OVERHEAD
            and raw[pos + _MAGIC_AT] >= 2
        ):
            return memoryview(raw)[pos:end]
        pos = end
    return None


def _reread(view: memoryview) -> tuple[list[_Reread], int]:
    """Every record of a batch, with header keys decoded with surrogateescape."""
    batch = _DefaultRecordBatchPy(view)  # the header, and decompression, as aiokafka does it
    iter(batch)
    buffer, pos = batch._buffer, batch._pos
    records = []
    try:
        for _ in range(batch._num_records):
            record, pos = _read_record(batch, buffer, pos)
            records.append(record)
    except (ValueError, IndexError) as err:  # truncated varints or lengths
        raise CorruptRecordException(f"invalid record structure: {err!r}") from err
    if pos != len(buffer):
        raise CorruptRecordException(f"{len(buffer) - pos} bytes left after the records")
    return records, int(batch.next_offset)


def _read_record(batch: Any, buffer: bytearray, pos: int) -> tuple[_Reread, int]:
    # Record => Length Attributes TimestampDelta OffsetDelta Key Value [HeaderKey HeaderValue]
    length, pos = decode_varint(buffer, pos)
    start = pos
    _, pos = decode_varint(buffer, pos)  # record attributes: unused by Kafka
    timestamp_delta, pos = decode_varint(buffer, pos)
    offset_delta, pos = decode_varint(buffer, pos)
    key, pos = _nullable_bytes(buffer, pos)
    value, pos = _nullable_bytes(buffer, pos)
    count, pos = decode_varint(buffer, pos)
    if count < 0:
        raise CorruptRecordException(f"invalid number of record headers {count}")
    headers: list[tuple[str, bytes | None]] = []
    strict = True
    for _ in range(count):
        header_key, pos = _nullable_bytes(buffer, pos)
        if header_key is None:
            raise CorruptRecordException("negative header key size")
        header_value, pos = _nullable_bytes(buffer, pos)
        name, is_utf8 = _decode_key(header_key)
        strict = strict and is_utf8
        headers.append((name, header_value))
    if pos - start != length:
        raise CorruptRecordException(f"record of {length} bytes, read {pos - start}")
    if batch.timestamp_type == DefaultRecordBase.LOG_APPEND_TIME:
        timestamp = batch.max_timestamp
    else:
        timestamp = batch.first_timestamp + timestamp_delta
    record = _DefaultRecordPy(
        batch.base_offset + offset_delta, timestamp, batch.timestamp_type, key, value, headers
    )
    return _Reread(record, strict), pos


def _nullable_bytes(buffer: bytearray, pos: int) -> tuple[bytes | None, int]:
    size, pos = decode_varint(buffer, pos)
    if size < 0:
        return None, pos
    if pos + size > len(buffer):
        raise CorruptRecordException(f"cannot read {size} bytes at {pos}")
    return bytes(buffer[pos : pos + size]), pos + size


def _decode_key(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "surrogateescape"), False


def _fails_on_header_key(records: list[_Reread], position: int) -> bool:
    """Whether aiokafka's walk from ``position`` stops on a header key of this batch.

    It decodes every record in order (skipping, after decoding, those below the position)
    and hands out the first at or past it: if that comes before any bad key, the error
    came from handing it out (a deserializer), not from a header key.
    """
    for reread in records:
        if not reread.strict_keys:
            return True
        if reread.record.offset >= position:
            return False
    return False


def _replay(parts: Any, records: list[Any], next_offset: int) -> Iterator[Any]:
    """The rest of the re-read batch as aiokafka would have yielded it, then aiokafka again."""
    setattr(parts, _REPLAYING, True)
    tp = parts._tp
    for record in records:
        if record.offset < parts.next_fetch_offset:
            continue  # as aiokafka: the fetch began inside the batch
        consumer_record = parts._consumer_record(tp, record)
        parts.next_fetch_offset = record.offset + 1
        yield consumer_record
    setattr(parts, _REPLAYING, False)
    # As aiokafka does after each batch: its last offset survives compaction.
    parts.next_fetch_offset = next_offset
    yield from parts._unpack_records()


class RawHeaderKey(str):
    """A header key that aiokafka's pure Python batch builder writes as the given bytes.

    That builder calls ``key.encode("utf-8")``; the C one (the producer's) accepts only an
    exact ``str`` and encodes strictly, so it cannot write such a key. For tests and the
    self-test: this is how a hostile sender's record is made without another client.
    """

    raw: bytes

    def __new__(cls, raw: bytes) -> RawHeaderKey:
        key = super().__new__(cls, raw.decode("utf-8", "surrogateescape"))
        key.raw = raw
        return key

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return self.raw


def batch_bytes(
    records: list[tuple[bytes | None, bytes | None, list[tuple[bytes, bytes | None]]]],
    *,
    base_offset: int = 0,
    compression_type: int = 0,
) -> bytes:
    """One record batch (magic 2) as a broker would hand it out, header keys as raw bytes.

    aiokafka's producer cannot write a key that is not UTF-8; its Python builder can, given
    a key whose ``encode`` returns the bytes. Used by the self-test and by tests.
    """
    builder = _DefaultRecordBatchBuilderPy(2, compression_type, 0, -1, -1, -1, 1 << 30)
    for index, (key, value, headers) in enumerate(records):
        raw_headers = [(RawHeaderKey(k), v) for k, v in headers]
        timestamp = 1_700_000_000_000 + index
        builder.append(index, timestamp=timestamp, key=key, value=value, headers=raw_headers)
    built = bytearray(builder.build())
    struct.pack_into(">q", built, 0, base_offset)  # outside the CRC, as the broker sets it
    return bytes(built)


def _self_test() -> None:
    """A bad header key between two good records, through the real (C or Python) reader."""
    raw = batch_bytes(
        [(b"a", b"1", []), (b"b", b"2", [(b"\xff\xfe", b"x")]), (b"c", b"3", [(b"ok", None)])],
        base_offset=7,
    )
    parts = fetcher.PartitionRecords(
        TopicPartition("self-test", 0), fetcher.MemoryRecords(raw), [], 7, None, None, True, 0
    )
    got = [(r.offset, r.key, [(original_bytes(k), v) for k, v in r.headers]) for r in parts]
    expected = [(7, b"a", []), (8, b"b", [(b"\xff\xfe", b"x")]), (9, b"c", [(b"ok", None)])]
    if got != expected or parts.next_fetch_offset != 10:
        raise AiokafkaChanged(f"tolerant header keys do not work with this aiokafka: {got!r}")


check_aiokafka()
