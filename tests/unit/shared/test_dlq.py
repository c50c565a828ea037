"""Dead letters always fit their byte budget and never lose the reason or the pointer back."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

import pytest
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.dlq import (
    DEFAULT_BUDGET_BYTES,
    KEY_MARKER,
    MIN_BUDGET_BYTES,
    PREFIX,
    DeadLetter,
    IncompleteDeadLetter,
    dead_letter_record,
    parse_dead_letter,
    record_size,
    replay,
)
from shared.publisher import Headers, Publisher, Record

BAD_KEY = b"\xff\xfe".decode("utf-8", "surrogateescape")  # as shared.kafka_records hands it out
ONE_MB_KEY = b"k" * 1_048_338  # the key kcat sent


def letter_of(
    key: bytes | None,
    value: bytes,
    headers: Sequence[tuple[str, bytes | None]],
    budget: int = DEFAULT_BUDGET_BYTES,
) -> Record:
    return dead_letter_record(
        topic="vault.demand.intake",
        partition=2,
        offset=4711,
        key=key,
        value=value,
        headers=headers,
        reason="malformed_envelope",
        error="no envelope here " * 500,
        attempts=1,
        consumer="demand",
        budget=budget,
    )


def parsed(letter: Record) -> DeadLetter:
    return parse_dead_letter(0, 0, letter.key, letter.value, letter.headers)


def meta(letter: Record) -> dict[str, bytes | None]:
    return {k[len(PREFIX) :]: v for k, v in letter.headers if k.startswith(PREFIX)}


def built_size(letter: Record) -> int:
    """The bytes aiokafka's own producer builds for the letter, alone in a batch."""
    builder = DefaultRecordBatchBuilder(2, 0, 0, -1, -1, -1, 1 << 30)
    builder.append(0, timestamp=None, key=letter.key, value=letter.value, headers=letter.headers)
    return len(builder.build())


def test_a_small_record_is_kept_whole_after_the_reason() -> None:
    letter = letter_of(b"order-1", b"{}", [("a", b"1"), ("b", None)])
    dead = parsed(letter)

    assert (letter.topic, letter.key, letter.value) == (
        "vault.demand.intake.dlq",
        b"order-1",
        b"{}",
    )
    assert dead.headers == [("a", b"1"), ("b", None)]
    assert (dead.topic, dead.partition, dead.offset) == ("vault.demand.intake", 2, 4711)
    assert dead.reason == "malformed_envelope"
    assert dead.truncated == ()


def test_a_one_megabyte_key_gives_up_the_value_then_the_key_for_a_marker() -> None:
    letter = letter_of(ONE_MB_KEY, b"x", [("trace", b"t")])
    marks = meta(letter)

    assert record_size(letter.key, letter.value, letter.headers) <= DEFAULT_BUDGET_BYTES
    assert built_size(letter) <= DEFAULT_BUDGET_BYTES
    assert marks["truncated"] == b"value,key"
    digest = hashlib.sha256(ONE_MB_KEY).hexdigest().encode()
    assert letter.key == KEY_MARKER + digest  # the same key always lands on one partition
    assert (marks["key_size"], marks["key_sha256"]) == (b"1048338", digest)
    assert marks["value_size"] == b"1"
    assert marks["value_sha256"] == hashlib.sha256(b"x").hexdigest().encode()
    assert parsed(letter).headers == [("trace", b"t")]  # headers fit again once the key went


def test_a_header_key_that_was_not_utf8_is_written_escaped_with_its_bytes_beside() -> None:
    letter = letter_of(b"k", b"v", [("ok", b"1"), (BAD_KEY, b"x")])

    assert ("\\xff\\xfe", b"x") in letter.headers
    assert (PREFIX + "raw_header_key.1", b"\xff\xfe") in letter.headers
    assert built_size(letter) > 0  # aiokafka's producer takes it
    assert parsed(letter).headers == [("ok", b"1"), (BAD_KEY, b"x")]


def test_a_senders_own_dead_letter_headers_are_not_taken_for_ours() -> None:
    letter = letter_of(b"k", b"v", [(PREFIX + "offset", b"0"), (PREFIX + "truncated", b"key")])
    dead = parsed(letter)
    assert (dead.offset, dead.truncated, dead.headers) == (4711, (), [])


def test_a_budget_too_small_for_the_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        letter_of(b"k", b"v", [], budget=MIN_BUDGET_BYTES - 1)


def test_headers_are_given_up_largest_first_and_accounted_for() -> None:
    headers = [("small", b"s"), ("huge", b"h" * 900_000), ("medium", b"m" * 1000)]
    letter = letter_of(b"k", b"v" * 10, headers)
    marks = meta(letter)

    assert marks["truncated"] == b"value,headers"
    assert parsed(letter).headers == [("small", b"s"), ("medium", b"m" * 1000)]
    assert marks["headers_dropped"] == b"1"
    assert marks["headers_size"] == str(len("huge") + 900_000).encode()
    expected = struct.pack(">i", 4) + b"huge" + struct.pack(">i", 900_000) + b"h" * 900_000
    assert marks["headers_sha256"] == hashlib.sha256(expected).hexdigest().encode()


header_keys = st.one_of(
    st.text(max_size=8),
    st.binary(max_size=8).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.integers(0, 300_000).map(lambda n: "k" * n),
)
header_values = st.one_of(st.none(), st.integers(0, 600_000).map(lambda n: b"v" * n))


@settings(max_examples=150, deadline=None)
@given(
    key=st.one_of(st.none(), st.integers(0, 1_200_000).map(lambda n: b"K" * n)),
    value=st.integers(0, 1_200_000).map(lambda n: b"V" * n),
    headers=st.lists(st.tuples(header_keys, header_values), max_size=6),
    budget=st.integers(MIN_BUDGET_BYTES, 2 * DEFAULT_BUDGET_BYTES),
)
def test_any_record_gives_a_letter_within_budget_with_its_reason_and_pointer(
    key: bytes | None, value: bytes, headers: Headers, budget: int
) -> None:
    letter = letter_of(key, value, headers, budget)
    dead, marks = parsed(letter), meta(letter)

    assert record_size(letter.key, letter.value, letter.headers) <= budget
    assert built_size(letter) <= budget  # what aiokafka really sends (and it can encode it)
    assert (dead.topic, dead.partition, dead.offset) == ("vault.demand.intake", 2, 4711)
    assert (dead.reason, dead.consumer, dead.attempts) == ("malformed_envelope", "demand", 1)
    assert dead.error == ("no envelope here " * 500)[:2000]

    originals = [(k, v) for k, v in headers if not k.startswith(PREFIX)]
    gave_up = set(dead.truncated)
    original_size = record_size(key, value, originals)
    assert not gave_up or original_size > budget - MIN_BUDGET_BYTES
    assert dead.value == (b"" if "value" in gave_up else value)
    if "value" in gave_up:
        assert marks["value_sha256"] == hashlib.sha256(value).hexdigest().encode()
    if "headers" in gave_up:
        assert "value" in gave_up or not value  # the value goes first
        kept = iter(originals)
        assert all(h in kept for h in dead.headers)  # the rest, in their order
    else:
        assert dead.headers == originals
    if "key" in gave_up:
        assert key is not None
        assert len(key) > budget - MIN_BUDGET_BYTES
        assert dead.key == KEY_MARKER + hashlib.sha256(key).hexdigest().encode()
    else:
        assert dead.key == key


class Recording(Publisher):
    def __init__(self) -> None:
        super().__init__("unused:9092", client_id="test")
        self.sent: list[Record] = []

    async def publish(self, records: Sequence[Record]) -> None:
        self.sent += records


async def test_replay_sends_escaped_keys_and_refuses_letters_that_gave_up_part() -> None:
    whole = parsed(letter_of(b"k", b"v", [(BAD_KEY, b"x")]))
    publisher = Recording()
    assert await replay([whole], publisher) == 1
    assert publisher.sent[0].headers == [("\\xff\\xfe", b"x"), ("vault.replayed_from", b"0:0")]

    partial = parsed(letter_of(ONE_MB_KEY, b"x", []))
    with pytest.raises(IncompleteDeadLetter):
        await replay([whole, partial], publisher)
    assert len(publisher.sent) == 1  # nothing of the refused batch went out
