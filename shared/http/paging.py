"""Keyset pagination: opaque cursors over a listing's sort key, and pages of rows.

Cursors are base64url JSON of the last row's sort key.

A cursor carries no authority: listings always filter by the authenticated caller,
so a hand-edited cursor can only move within that caller's own rows. It is
therefore not signed; decoding only insists on one exact, well-formed shape, bound
to the listing it came from, and fails with InvalidCursor and nothing else.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeAlias, TypeVar

from fastapi import Query

from shared.http.problems import ProblemError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


CursorValue: TypeAlias = str | int

MAX_CURSOR_LENGTH = 1024
_VERSION = 1
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


class InvalidCursor(ValueError):
    """The cursor was not issued by us for this listing; answer 400, never 500."""

    def __init__(self) -> None:
        super().__init__("invalid pagination cursor")

    @property
    def problem(self) -> ProblemError:
        return ProblemError(
            400,
            "invalid_cursor",
            "the cursor is not valid here",
            title="Invalid pagination cursor",
            field="cursor",
        )


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


T = TypeVar("T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_MICROSECONDS = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)

Limit = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"page size, at most {MAX_PAGE_SIZE}")
]
Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="next_cursor of the previous page"),
]
DEFAULT_LIMIT = DEFAULT_PAGE_SIZE


def after(cursor: str | None, listing: str) -> tuple[datetime, str] | None:
    """Where the page starts, or a 400 for a cursor not issued for this listing."""
    if cursor is None:
        return None
    try:
        key = decode_cursor(cursor, listing)
        if len(key) != 2:
            raise InvalidCursor()
        at, row_id = key
        if type(at) is not int or not isinstance(row_id, str) or not 0 <= at <= _MAX_MICROSECONDS:
            raise InvalidCursor()
    except InvalidCursor as error:
        raise error.problem from None
    return _EPOCH + timedelta(microseconds=at), row_id


def page(
    rows: Sequence[T], limit: int, listing: str, key_of: Callable[[T], tuple[datetime, str]]
) -> tuple[list[T], str | None]:
    """The rows to show and the next cursor; callers fetch ``limit + 1`` rows to know
    whether there is a next page at all."""
    shown = list(rows[:limit])
    if len(rows) <= limit:
        return shown, None
    at, row_id = key_of(shown[-1])
    return shown, encode_cursor(listing, [(at - _EPOCH) // timedelta(microseconds=1), row_id])
