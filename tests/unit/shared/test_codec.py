"""Envelopes as a public API: added fields pass, unknown majors and malformed bytes do not."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shared.codec import PoisonMessage, decode, decode_raw, decode_tolerant, decode_typed, encode
from shared.contracts import DemandAccepted, Quantity
from shared.envelope import new_event


def _event_bytes(**changes: object) -> bytes:
    event = new_event(
        DemandAccepted(manufacturer_id="m", request_id="r", order_id="ord-1"),
        key="m:r",
        producer="test",
    )
    document = json.loads(encode(event))
    document.update(changes)
    return json.dumps(document).encode()


def test_fields_added_by_a_newer_producer_are_accepted_in_envelope_and_payload() -> None:
    data = json.loads(_event_bytes(version="1.7", trace="abc"))
    data["payload"]["priority"] = "high"
    decoded = decode(json.dumps(data).encode(), DemandAccepted)
    assert decoded.payload.order_id == "ord-1"
    assert decoded.version == "1.7"


def test_an_unknown_major_version_is_poison_with_the_reason() -> None:
    with pytest.raises(PoisonMessage) as caught:
        decode(_event_bytes(version="2.0"), DemandAccepted)
    assert caught.value.reason == "unsupported_version"


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b'{"type": "x"}', "é".encode("latin-1")])
def test_malformed_bytes_are_poison_never_an_exception_of_another_kind(data: bytes) -> None:
    with pytest.raises(PoisonMessage) as caught:
        decode(data, DemandAccepted)
    assert caught.value.reason == "malformed"


def test_a_payload_off_its_contract_is_poison_naming_the_field() -> None:
    data = json.loads(_event_bytes())
    del data["payload"]["order_id"]
    with pytest.raises(PoisonMessage) as caught:
        decode(json.dumps(data).encode(), DemandAccepted)
    assert (caught.value.reason, "order_id" in caught.value.detail) == ("invalid_payload", True)


def test_decimals_travel_as_exact_text_never_floats() -> None:
    quantity = Quantity(amount=Decimal("0.1"), unit="t")
    assert quantity.model_dump_json() == '{"amount":"0.1","unit":"t"}'
    with pytest.raises(ValueError, match="greater than 0"):
        Quantity(amount=Decimal("-1"), unit="t")


def test_a_typed_decode_in_one_pass_gives_what_the_two_step_decode_gives() -> None:
    data = _event_bytes()
    fast = decode_typed(data, DemandAccepted)
    assert fast is not None
    assert fast == decode(data, DemandAccepted)


def test_a_typed_decode_declines_what_the_two_step_decode_must_judge() -> None:
    assert decode_typed(_event_bytes(version="2.0"), DemandAccepted) is None
    assert decode_typed(_event_bytes(type="demand.rejected"), DemandAccepted) is None
    assert decode_typed(b"{not json", DemandAccepted) is None


def _with_raw_payload_field(name: str, raw_json: str) -> bytes:
    text = _event_bytes().decode()
    return text.replace(
        '"order_id": "ord-1"', f'"order_id": "ord-1", "{name}": {raw_json}'
    ).encode()


@pytest.mark.parametrize(
    ("raw_json", "read"),
    [("9" * 5000, Decimal("9" * 5000)), ('"a\\ud800b"', "a\ud800b"), ('"\\udfff"', "\udfff")],
    ids=["5,000 digits", "lone high surrogate", "lone low surrogate"],
)
def test_json_only_pydantic_refuses_is_read_tolerantly_for_a_lenient_reader(
    raw_json: str, read: object
) -> None:
    data = _with_raw_payload_field("odd", raw_json)
    with pytest.raises(PoisonMessage, match="malformed"):
        decode_raw(data)
    assert decode_tolerant(data).payload["odd"] == read


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{not json",
        "é".encode("latin-1"),
        b'{"a": "\\ud800"}',  # JSON, but no envelope
        _event_bytes(key="k\\ud800").replace(b"\\\\", b"\\"),  # the envelope's own text
        b"[" * 100_000,
    ],
    ids=["empty", "not JSON", "not UTF-8", "no envelope", "surrogate in the key", "nesting"],
)
def test_tolerance_never_lets_through_what_is_no_envelope(data: bytes) -> None:
    with pytest.raises(PoisonMessage) as caught:
        decode_tolerant(data)
    assert caught.value.reason == "malformed"
