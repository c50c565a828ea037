"""Envelopes as a public API: added fields pass, unknown majors and malformed bytes do not."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shared.codec import PoisonMessage, decode, encode
from shared.contracts import DemandAccepted, Quantity
from shared.envelope import new_event


def _event_bytes(**changes: object) -> bytes:
    event = new_event(
        "demand.accepted",
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
