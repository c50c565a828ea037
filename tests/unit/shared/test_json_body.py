"""The JSON reading of shared.http.json, lifted from this service, with the tests that came with it."""

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.http.json import parse_json


def test_numbers_become_exact_decimals_never_floats() -> None:
    parsed = parse_json(b'{"amount": 12345678901.123457, "count": 3}')
    assert parsed == {"amount": Decimal("12345678901.123457"), "count": 3}
    assert isinstance(parsed["amount"], Decimal)


def test_a_huge_integer_stays_a_decimal_for_the_field_bounds_to_refuse() -> None:
    assert parse_json(b"9" * 5000) == Decimal("9" * 5000)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b'{"a": 1, "a": 2}',
        b'{"a": "\xff"}',
        b"[" * 100_000 + b"]" * 100_000,
        b"{",
        b"",
    ],
)
def test_anything_ambiguous_or_unparseable_is_a_json_decode_error(raw: bytes) -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json(raw)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_any_json_without_floats_reads_back_as_written(value: object) -> None:
    assert parse_json(json.dumps(value).encode()) == value
