"""The cursors of shared.http.paging, lifted from this service, with the tests that came with them."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.http.paging import CursorValue, InvalidCursor, decode_cursor, encode_cursor

LISTING = "legs-by-deadline"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_decodes_to_the_sort_key_it_was_made_from() -> None:
    key = ("2026-03-05T12:00:00+00:00", "leg-5d2e", 7)
    assert decode_cursor(encode_cursor(LISTING, key), LISTING) == key


def test_a_cursor_is_url_safe_and_unpadded() -> None:
    token = encode_cursor(LISTING, ("ä/?&=+", 1))
    assert token.replace("-", "").replace("_", "").isalnum()


def test_a_cursor_from_another_listing_is_refused() -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor("offers-by-id", ("x",)), LISTING)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not base64!",
        "a",
        "x" * 1025,
        _b64(b"not json"),
        _b64(b"[1,2]"),
        _b64(b'{"v":1,"l":"legs-by-deadline"}'),
        _b64(b'{"v":2,"l":"legs-by-deadline","k":["a"]}'),
        _b64(b'{"v":true,"l":"legs-by-deadline","k":["a"]}'),
        _b64(b'{"v":1.0,"l":"legs-by-deadline","k":["a"]}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":[]}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":"a"}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":[true]}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":[1.5]}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":[NaN]}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":[{"a":1}]}'),
        _b64(b'{"v":1,"l":"legs-by-deadline","k":["a"],"x":0}'),
        _b64('{"v":1,"l":"legs-by-deadline","k":["é"]}'.encode()),
        _b64(b"[" * 380),
        encode_cursor(LISTING, ("a",)) + "=",
        _b64(b'{"v":1, "l":"legs-by-deadline","k":["a"]}'),
        _b64(b'{"l":"legs-by-deadline","v":1,"k":["a"]}'),
        _b64(b'{"k":["a"],"l":"legs-by-deadline","v":01}'),
    ],
)
def test_a_malformed_or_tampered_cursor_is_refused_cleanly(token: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(token, LISTING)
    assert (raised.value.problem.code, raised.value.problem.status) == ("invalid_cursor", 400)


def test_a_cursor_with_altered_spare_base64_bits_is_refused() -> None:
    token = encode_cursor(LISTING, ("a",))
    # The final character carries unused low bits; flipping them decodes to the same
    # bytes, so only the canonical spelling is accepted.
    variants = [
        token[:-1] + c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    ]
    accepted = [v for v in variants if _decodes(v)]
    assert accepted == [token]


def _decodes(token: str) -> bool:
    try:
        decode_cursor(token, LISTING)
    except InvalidCursor:
        return False
    return True


def test_a_non_string_cursor_is_refused() -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(None, LISTING)


@pytest.mark.parametrize("key", [(), (True,), (1.5,), ("x" * 800,)])
def test_encoding_a_key_that_cannot_be_a_cursor_is_a_programming_error(
    key: tuple[object, ...],
) -> None:
    with pytest.raises(ValueError):
        encode_cursor(LISTING, key)  # type: ignore[arg-type]


cursor_values = st.text(max_size=12) | st.integers(min_value=-(2**63), max_value=2**63)


@given(key=st.lists(cursor_values, min_size=1, max_size=4).map(tuple))
def test_any_sort_key_round_trips(key: tuple[CursorValue, ...]) -> None:
    assert decode_cursor(encode_cursor(LISTING, key), LISTING) == key


@given(token=st.text(max_size=1100) | st.from_regex(r"[A-Za-z0-9_-]{0,1100}", fullmatch=True))
def test_decoding_an_arbitrary_string_returns_a_key_or_refuses_never_crashes(token: str) -> None:
    try:
        key = decode_cursor(token, LISTING)
    except InvalidCursor:
        return
    assert key
    assert all(isinstance(v, str | int) for v in key)


@given(raw=st.binary(max_size=380))
def test_decoding_arbitrary_bytes_in_base64_never_crashes(raw: bytes) -> None:
    try:
        key = decode_cursor(_b64(raw), LISTING)
    except InvalidCursor:
        return
    assert encode_cursor(LISTING, key) == _b64(raw)
