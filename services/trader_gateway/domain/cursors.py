"""Opaque pagination cursors: base64url JSON of the last row's sort key.

A cursor carries no authority: listings always filter by the authenticated trader,
so a hand-edited cursor can only move within that trader's own rows. It is
therefore not signed; decoding only insists on one exact, well-formed shape, bound
to the listing it came from, and fails with InvalidCursor and nothing else.
"""

import base64
import binascii
import json
import re
from collections.abc import Sequence
from typing import TypeAlias

from services.trader_gateway.domain.refusals import Refusal, RefusalCode

CursorValue: TypeAlias = str | int

MAX_CURSOR_LENGTH = 1024
_VERSION = 1
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


class InvalidCursor(ValueError):
    """The cursor was not issued by us for this listing; answer 400, never 500."""

    def __init__(self) -> None:
        super().__init__("invalid pagination cursor")

    @property
    def refusal(self) -> Refusal:
        return Refusal(RefusalCode.INVALID_CURSOR, "the cursor is not valid here", "cursor")


def encode_cursor(listing: str, last_key: Sequence[CursorValue]) -> str:
    """`listing` names the collection and order (e.g. "legs-by-deadline"), so a cursor
    from one listing is refused by another instead of silently mis-paging."""
    if not last_key or not all(_is_key_value(v) for v in last_key):
        raise ValueError("a sort key is a non-empty sequence of str and int values")
    token = _b64encode(_dump({"v": _VERSION, "l": listing, "k": list(last_key)}))
    if len(token) > MAX_CURSOR_LENGTH:
        raise ValueError("sort key too long for a cursor")
    return token


def decode_cursor(token: object, listing: str) -> tuple[CursorValue, ...]:
    if not isinstance(token, str) or len(token) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
    if _ALPHABET.fullmatch(token) is None or len(token) % 4 == 1:
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor() from error
    # Re-encoding must give the token back: this refuses the spare-bit variants of
    # base64, so each cursor has exactly one spelling.
    if _b64encode(raw) != token:
        raise InvalidCursor()
    try:
        document = json.loads(raw.decode("ascii"))
    except (ValueError, RecursionError) as error:
        raise InvalidCursor() from error
    if not isinstance(document, dict) or set(document) != {"v", "l", "k"}:
        raise InvalidCursor()
    version, key = document["v"], document["k"]
    # type() rather than ==, because true == 1 and 1.0 == 1 in Python.
    if type(version) is not int or version != _VERSION or document["l"] != listing:
        raise InvalidCursor()
    if not isinstance(key, list):
        raise InvalidCursor()
    if not key or not all(_is_key_value(v) for v in key):
        raise InvalidCursor()
    # Like the base64 check above: only the exact bytes we would have written.
    if _dump(document) != raw:
        raise InvalidCursor()
    return tuple(key)


def _is_key_value(value: object) -> bool:
    # bool is an int to Python, but true/false is not a sort key we ever issue.
    return isinstance(value, str | int) and not isinstance(value, bool)


def _dump(document: dict[str, object]) -> bytes:
    text = json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
    return text.encode("ascii")


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
