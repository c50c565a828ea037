"""Keyset pagination: cursors over (timestamp, id), bound to the listing and its filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import Query

from services.trader_gateway.api.problems import ProblemError
from services.trader_gateway.domain import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InvalidCursor,
    decode_cursor,
    encode_cursor,
)
from services.trader_gateway.domain.cursors import MAX_CURSOR_LENGTH

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
        raise ProblemError.of(error.refusal) from None
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
