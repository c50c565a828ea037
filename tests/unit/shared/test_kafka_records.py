"""aiokafka's fetcher hands out records whose header keys are not UTF-8 (shared.kafka_records).

Fetch responses are built here as a broker sends them, and read through aiokafka's own
``PartitionRecords`` (the C reader by default; ``test_the_pure_python_reader_too`` runs
this file again with ``AIOKAFKA_NO_EXTENSIONS=1``).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiokafka
import pytest
from aiokafka import codec
from aiokafka.consumer import fetcher
from aiokafka.errors import CorruptRecordException
from aiokafka.record.default_records import DefaultRecordBase
from aiokafka.record.util import calc_crc32c
from aiokafka.structs import TopicPartition
from aiokafka.util import NO_EXTENSIONS
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import kafka_records
from shared.kafka_records import AiokafkaChanged, batch_bytes, original_bytes

Header = tuple[bytes, bytes | None]
Spec = tuple[bytes | None, bytes | None, list[Header]]

CODECS = [DefaultRecordBase.CODEC_NONE, DefaultRecordBase.CODEC_GZIP] + [
    code
    for code, available in (
        (DefaultRecordBase.CODEC_SNAPPY, codec.has_snappy()),
        (DefaultRecordBase.CODEC_LZ4, codec.has_lz4()),
        (DefaultRecordBase.CODEC_ZSTD, codec.has_zstd()),
    )
    if available
]
CODEC_NAMES = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}
BAD = b"\xff\xfe"
# Offsets in a record batch header (magic 2)
CRC_AT, ATTRIBUTES_AT, RECORD_COUNT_AT = 17, 21, 57


@pytest.fixture(autouse=True)
def tolerant() -> Iterator[None]:
    kafka_records.install()
    yield
    kafka_records.install()  # a test that took it away gives it back


def partition_records(
    raw: bytes, fetch_offset: int, *, value_deserializer: Callable[[bytes], Any] | None = None
) -> Any:
    """What the fetcher builds from one partition of a fetch response."""
    return fetcher.PartitionRecords(
        TopicPartition("t", 0),
        fetcher.MemoryRecords(raw),
        [],
        fetch_offset,
        None,
        value_deserializer,
        True,
        fetcher.READ_UNCOMMITTED,
    )


def as_read(records: Any) -> list[tuple[int, bytes | None, bytes | None, list[Header]]]:
    return [
        (r.offset, r.key, r.value, [(original_bytes(k), v) for k, v in r.headers]) for r in records
    ]


def test_a_bad_header_key_comes_out_between_its_neighbours_with_its_bytes() -> None:
    raw = batch_bytes(
        [(b"a", b"1", []), (b"b", b"2", [(BAD, b"x"), (b"ok", None)]), (b"c", b"3", [])],
        base_offset=40,
    )
    parts = partition_records(raw, 40)
    records = list(parts)

    assert as_read(records) == [
        (40, b"a", b"1", []),
        (41, b"b", b"2", [(BAD, b"x"), (b"ok", None)]),
        (42, b"c", b"3", []),
    ]
    assert records[1].headers[0][0] == "\udcff\udcfe"  # surrogate-escaped
    assert parts.next_fetch_offset == 43


def test_without_the_change_aiokafka_raises_on_it() -> None:
    kafka_records.uninstall()
    raw = batch_bytes([(b"a", b"1", []), (b"b", b"2", [(BAD, b"x")])])
    expected = CorruptRecordException if NO_EXTENSIONS else UnicodeDecodeError
    with pytest.raises(expected):
        list(partition_records(raw, 0))


@pytest.mark.parametrize("compression", CODECS, ids=lambda c: CODEC_NAMES[c])
def test_bad_keys_in_several_batches_and_codecs_lose_and_repeat_nothing(compression: int) -> None:
    first = batch_bytes([(b"a", b"1", [(BAD, b"")]), (b"b", b"2", [])], base_offset=0)
    second = batch_bytes(
        [(b"c", b"3", []), (b"d", b"4", [(b"\x80", b"y")]), (b"e", b"5", [(BAD, None)])],
        base_offset=2,
        compression_type=compression,
    )
    third = batch_bytes([(b"f", b"6", [(b"fine", b"z")])], base_offset=5)

    read = as_read(partition_records(first + second + third, 0))

    assert [r[0] for r in read] == [0, 1, 2, 3, 4, 5]
    assert read[3] == (3, b"d", b"4", [(b"\x80", b"y")])
    assert read[4] == (4, b"e", b"5", [(BAD, None)])


def test_a_fetch_that_begins_inside_a_batch_skips_what_lies_before_it() -> None:
    # The broker returns whole batches: the one holding the fetch offset starts earlier.
    raw = batch_bytes(
        [(b"a", b"1", [(BAD, b"")]), (b"b", b"2", []), (b"c", b"3", [(BAD, b"")])], base_offset=10
    )
    assert [r[0] for r in as_read(partition_records(raw, 11))] == [11, 12]
    assert [r[0] for r in as_read(partition_records(raw, 12))] == [12]


def test_a_deserializer_error_is_not_mistaken_for_a_header_key() -> None:
    def strict(value: bytes) -> str:
        return value.decode("utf-8")

    good_then_poison = batch_bytes([(b"a", b"1", []), (b"b", b"\xff", [])])
    parts = partition_records(good_then_poison, 0, value_deserializer=strict)
    assert next(parts).value == "1"
    with pytest.raises(UnicodeDecodeError):
        next(parts)

    # Also when the poison value follows a bad key, in the batch we read again ourselves.
    bad_key_then_poison = batch_bytes([(b"a", b"1", [(BAD, b"")]), (b"b", b"\xff", [])])
    parts = partition_records(bad_key_then_poison, 0, value_deserializer=strict)
    assert original_bytes(next(parts).headers[0][0]) == BAD
    with pytest.raises(UnicodeDecodeError):
        next(parts)


def test_a_truly_corrupt_batch_still_raises_aiokafkas_error() -> None:
    # One record with a bad key, but the batch claims two: aiokafka stops at the key, our
    # re-read at the missing record, and then aiokafka's own error must come out.
    raw = bytearray(batch_bytes([(b"a", b"1", [(BAD, b"")])]))
    struct.pack_into(">i", raw, RECORD_COUNT_AT, 2)
    struct.pack_into(">I", raw, CRC_AT, calc_crc32c(bytes(raw[ATTRIBUTES_AT:])))
    expected = CorruptRecordException if NO_EXTENSIONS else UnicodeDecodeError
    with pytest.raises(expected):
        list(partition_records(bytes(raw), 0))


@st.composite
def fetches(draw: st.DrawFn) -> tuple[list[tuple[list[Spec], int]], int]:
    header_key = st.one_of(st.binary(max_size=6), st.sampled_from([BAD, b"\xc3", b"\xed\xa0\x80"]))
    header = st.tuples(header_key, st.one_of(st.none(), st.binary(max_size=4)))
    record = st.tuples(
        st.one_of(st.none(), st.binary(max_size=4)),
        st.one_of(st.none(), st.binary(max_size=4)),
        st.lists(header, max_size=3),
    )
    batch = st.tuples(st.lists(record, min_size=1, max_size=5), st.sampled_from(CODECS))
    batches = draw(st.lists(batch, min_size=1, max_size=4))
    total = sum(len(records) for records, _ in batches)
    return batches, draw(st.integers(0, total - 1))


@settings(max_examples=150, deadline=None)
@given(fetches())
def test_every_record_comes_out_once_in_order_whatever_its_header_keys(
    fetch: tuple[list[tuple[list[Spec], int]], int],
) -> None:
    batches, fetch_offset = fetch
    raw, expected, offset = b"", [], 0
    for records, compression in batches:
        # As a broker does: the response begins with the batch that holds the fetch offset.
        if offset + len(records) > fetch_offset:
            raw += batch_bytes(records, base_offset=offset, compression_type=compression)
            expected += [(offset + i, *spec) for i, spec in enumerate(records)]
        offset += len(records)

    parts = partition_records(raw, fetch_offset)

    assert as_read(parts) == [e for e in expected if e[0] >= fetch_offset]
    assert parts.next_fetch_offset == offset


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=4), st.text(max_size=3)), min_size=1, max_size=8))
def test_records_with_utf8_keys_come_out_exactly_as_aiokafka_gives_them(
    specs: list[tuple[bytes, str]],
) -> None:
    raw = batch_bytes([(v, v, [(k.encode(), v)]) for v, k in specs], base_offset=3)
    with_change = list(partition_records(raw, 3))
    kafka_records.uninstall()
    try:
        without = list(partition_records(raw, 3))
    finally:
        kafka_records.install()
    assert with_change == without


def test_original_bytes_come_back_for_any_key() -> None:
    for raw in (BAD, b"\x80abc", b"\xed\xa0\x80", "ключ".encode(), b""):
        assert original_bytes(raw.decode("utf-8", "surrogateescape")) == raw


def test_another_aiokafka_version_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiokafka, "__version__", "0.14.1")
    with pytest.raises(AiokafkaChanged, match=r"0\.14\.0"):
        kafka_records.check_aiokafka()


def test_changed_aiokafka_internals_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    kafka_records.uninstall()
    monkeypatch.setitem(kafka_records._FINGERPRINTS, "PartitionRecords._unpack_records", "0" * 64)
    with pytest.raises(AiokafkaChanged, match="_unpack_records"):
        kafka_records.install()
    assert not kafka_records.installed()


@pytest.mark.skipif(NO_EXTENSIONS, reason="this is the pure Python run")
def test_the_pure_python_reader_too() -> None:
    env = {**os.environ, "AIOKAFKA_NO_EXTENSIONS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
        env=env,
        cwd=Path(__file__).parents[3],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 skipped" in done.stdout
