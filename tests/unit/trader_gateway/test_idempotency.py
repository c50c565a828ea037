import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.trader_gateway.api.idempotency import (
    Conflict,
    InFlight,
    JsonValue,
    Proceed,
    Replay,
    canonical_json,
    check_idempotency_key,
    decide,
    request_fingerprint,
)
from services.trader_gateway.repository.idempotency import StoredResponse

from .builders import OTHER_TRADER, TRADER

PATH = "/v1/legs/leg-5d2e/fills"
BODY: dict[str, JsonValue] = {
    "quantity": Decimal("40"),
    "unit_price": Decimal("32500.00"),
    "lot": "L-1",
}


def _fingerprint(body: bytes | JsonValue = BODY, principal: str = TRADER) -> str:
    return request_fingerprint("POST", PATH, body, principal=principal)


def test_a_first_request_proceeds() -> None:
    assert decide(None, _fingerprint()) == Proceed()


def test_a_retry_of_a_completed_request_replays_its_answer() -> None:
    stored = StoredResponse(_fingerprint(), 201, b'{"fill_id":"f-1"}')
    assert decide(stored, _fingerprint()) == Replay(stored)


def test_the_same_key_with_a_different_body_is_refused_as_reuse() -> None:
    stored = StoredResponse(_fingerprint(), 201, b"{}")
    outcome = decide(stored, _fingerprint({**BODY, "lot": "L-2"}))
    assert isinstance(outcome, Conflict)
    assert outcome.code == "idempotency_key_reused"


def test_a_retry_while_the_first_request_runs_is_a_conflict() -> None:
    outcome = decide(InFlight(_fingerprint()), _fingerprint())
    assert isinstance(outcome, Conflict)
    assert outcome.code == "conflict"


def test_another_trader_cannot_replay_a_stored_answer_with_the_same_key() -> None:
    stored = StoredResponse(_fingerprint(), 201, b"{}")
    outcome = decide(stored, _fingerprint(principal=OTHER_TRADER))
    assert isinstance(outcome, Conflict)


def test_the_fingerprint_ignores_key_order_and_how_numbers_are_spelled() -> None:
    reordered: JsonValue = {"lot": "L-1", "unit_price": Decimal("32500"), "quantity": 40}
    assert _fingerprint(reordered) == _fingerprint()


@pytest.mark.parametrize(("method", "path"), [("PUT", PATH), ("POST", "/v1/legs/leg-other/fills")])
def test_the_fingerprint_depends_on_method_and_path(method: str, path: str) -> None:
    assert request_fingerprint(method, path, BODY, principal=TRADER) != _fingerprint()


def test_the_fingerprint_method_is_case_insensitive() -> None:
    assert request_fingerprint("post", PATH, BODY, principal=TRADER) == _fingerprint()


def test_raw_bytes_are_fingerprinted_as_they_are() -> None:
    assert _fingerprint(b'{"a":1}') != _fingerprint(b'{"a": 1}')
    assert _fingerprint(b'{"a":1}') == _fingerprint(b'{"a":1}')


def test_canonical_json_is_compact_sorted_and_escaped() -> None:
    value: JsonValue = {"b": [True, None, 'q"\\\n'], "a": Decimal("-0.00"), "c": Decimal("1E+3")}
    assert canonical_json(value) == '{"a":0,"b":[true,null,"q\\"\\\\\\u000a"],"c":1e3}'


def test_canonical_json_keeps_huge_exponents_short() -> None:
    assert canonical_json(Decimal("1E+999999999")) == "1e999999999"


def test_canonical_json_tells_apart_numbers_beyond_decimal_precision() -> None:
    a = Decimal("0.10000000000000000000000000000001")
    b = Decimal("0.10000000000000000000000000000002")
    assert canonical_json(a) != canonical_json(b)


@pytest.mark.parametrize("value", [1.5, {1: "x"}, [b"raw"], object()])
def test_canonical_json_refuses_floats_and_non_json_values(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)  # type: ignore[arg-type]


def test_canonical_json_refuses_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        canonical_json(Decimal("NaN"))


def test_a_lone_surrogate_in_a_body_is_fingerprinted_not_crashed_on() -> None:
    assert _fingerprint({"lot": "\ud800"}) != _fingerprint({"lot": "\ud801"})


@pytest.mark.parametrize("key", ["a", "x" * 128, "9f1c2d3e-0000-4a4a-8b8b-123456789abc", "a b~!"])
def test_keys_of_one_to_128_printable_ascii_characters_are_usable(key: str) -> None:
    assert check_idempotency_key(key) is None


@pytest.mark.parametrize("key", [None, ""])
def test_a_missing_key_is_refused(key: str | None) -> None:
    refusal = check_idempotency_key(key)
    assert refusal is not None
    assert (refusal.code, refusal.status) == ("idempotency_key_missing", 400)


@pytest.mark.parametrize("key", ["x" * 129, "tab\there", "ключ", " padded", "nul\x00", "del\x7f"])
def test_a_malformed_key_is_refused(key: str) -> None:
    refusal = check_idempotency_key(key)
    assert refusal is not None
    assert (refusal.code, refusal.status) == ("invalid_idempotency_key", 400)


json_values: st.SearchStrategy[JsonValue] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(value=json_values)
def test_canonical_json_is_valid_json_and_stable(value: JsonValue) -> None:
    text = canonical_json(value)
    json.loads(text)
    assert canonical_json(value) == text
