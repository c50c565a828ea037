"""What a fuzzed record is made of, as hypothesis draws it (bytes come later, in ``build``).

Plans stay small (a 1 MB key is a length, a copy an index into what was sent before), so
that hypothesis draws them fast and the same seed draws the same records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# JSON text no Python value dumps to, put in place of a payload field: what kcat can send.
HUGE_INTEGER = "9" * 5000
RAW_JSON = (
    HUGE_INTEGER,
    "-" + HUGE_INTEGER,
    "1e999999",
    "-1e999999",
    "1E-999999",
    "NaN",
    "-Infinity",
    '"\\ud800"',
    '"cobalt\\udfff"',
    '"\\u0000"',
    '"\\ud83d\\ude00"',
    '"\\u202e\\u200b"',
    '"' + "x" * 5000 + '"',
    "[" * 300 + "]" * 300,
    '{"a": [1, 2, {"b": null}]}',
    "true",
    "null",
    "0.30000000000000004",
    "-0",
)
# An envelope broken in one of its own fields (the payload may be fine).
BREAKAGES = (
    "no_event_id",
    "event_id_not_uuid",
    "key_too_long",
    "key_surrogate",
    "type_empty",
    "naive_time",
    "payload_list",
    "correlation_nul_ok",  # NUL is text: this one is a valid envelope
)
VERSIONS = ("2.0", "0.9", "10.1", "1", "1.0.0", "x", "999.999")
GARBAGE_FRAGMENTS = (
    b"",
    b"null",
    b"[]",
    b"{}",
    b'"text"',
    b'{"event_id":',
    b"\xef\xbb\xbf{}",
    b"[" * 5000,
    b'{"payload": {}}',
)
COMPRESSIONS = ("none", "gzip", "lz4", "snappy", "zstd")
BIG_KEY = 1_048_338  # what kcat sent with the value b"x": a record just under 1 MiB


@dataclass(frozen=True)
class Envelope:
    payload: dict[str, Any]
    event_id: uuid.UUID
    event_type: str | None = None  # None: the handled type
    version: str = "1.0"
    raw: tuple[tuple[str, str], ...] = ()  # payload fields written as this JSON text
    breakage: str | None = None


@dataclass(frozen=True)
class Garbage:
    data: bytes | None  # None: a null value (a tombstone)


@dataclass(frozen=True)
class Copy:
    of: int  # an index into what was sent before, modulo its length


@dataclass(frozen=True)
class Reuse:
    of: int  # an earlier envelope's event id, with this other payload
    payload: dict[str, Any]


Body = Envelope | Garbage | Copy | Reuse


@dataclass(frozen=True)
class Key:
    kind: str  # proper, none, bytes, big
    data: bytes = b""


@dataclass(frozen=True)
class RecordPlan:
    body: Body
    key: Key
    headers: tuple[tuple[bytes, bytes | None], ...]


@dataclass(frozen=True)
class BatchPlan:
    records: tuple[RecordPlan, ...]
    compression: str
    together: bool  # one record batch per partition, or one per record


_HEADER_KEYS = st.one_of(
    st.sampled_from(
        [b"event_type", b"correlation_id", b"trace", b"\xff\xfe", b"vault.dlq.reason", b""]
    ),
    st.binary(max_size=12),
)
_HEADER_VALUES = st.one_of(st.none(), st.binary(max_size=40), st.just(b"order.fill_recorded"))


def headers() -> st.SearchStrategy[tuple[tuple[bytes, bytes | None], ...]]:
    return st.lists(st.tuples(_HEADER_KEYS, _HEADER_VALUES), max_size=4).map(tuple)


@st.composite
def keys(draw: st.DrawFn) -> Key:
    roll = draw(st.integers(0, 999))
    if roll < 700:
        return Key("proper")
    if roll < 800:
        return Key("none")
    if roll < 999:
        return Key("bytes", draw(st.binary(max_size=48)))
    return Key("big")


@st.composite
def bodies(
    draw: st.DrawFn,
    payloads: st.SearchStrategy[dict[str, Any]],
    raw_fields: tuple[str, ...],
    other_types: tuple[str, ...],
) -> Body:
    roll = draw(st.integers(0, 999))
    event_id = draw(st.uuids())
    if roll < 430:
        return Envelope(draw(payloads), event_id)
    if roll < 580:
        fields = draw(st.lists(st.sampled_from(raw_fields), min_size=1, max_size=3, unique=True))
        raw = tuple((f, draw(st.sampled_from(RAW_JSON))) for f in fields)
        return Envelope(draw(payloads), event_id, raw=raw)
    if roll < 630:
        event_type = draw(st.one_of(st.sampled_from(other_types), st.text(max_size=30)))
        return Envelope(draw(payloads), event_id, event_type=event_type)
    if roll < 650:
        return Envelope(draw(payloads), event_id, version=draw(st.sampled_from(VERSIONS)))
    if roll < 690:
        return Envelope(draw(payloads), event_id, breakage=draw(st.sampled_from(BREAKAGES)))
    if roll < 800:
        garbage = st.one_of(
            st.sampled_from(GARBAGE_FRAGMENTS),
            st.binary(max_size=300),
            st.binary(max_size=64).map(lambda b: b"\xff" + b),
        )
        return Garbage(draw(garbage))
    if roll < 815:
        return Garbage(None)
    if roll < 920:
        return Copy(draw(st.integers(0, 2**31)))
    return Reuse(draw(st.integers(0, 2**31)), draw(payloads))


def batches(
    payloads: st.SearchStrategy[dict[str, Any]],
    raw_fields: tuple[str, ...],
    other_types: tuple[str, ...],
    size: int,
) -> st.SearchStrategy[BatchPlan]:
    record = st.builds(
        RecordPlan,
        body=bodies(payloads, raw_fields, other_types),
        key=keys(),
        headers=headers(),
    )
    return st.builds(
        BatchPlan,
        records=st.lists(record, min_size=size, max_size=size).map(tuple),
        compression=st.sampled_from(COMPRESSIONS),
        together=st.booleans(),
    )
