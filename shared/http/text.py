"""Input no database column can hold, refused at the door of every API, naming where it was.

PostgreSQL's text cannot hold NUL (U+0000: "invalid byte sequence for encoding UTF8:
0x00"), a string with a lone surrogate cannot even be encoded for the wire, and its
bigint stops at 2**63 - 1 (the driver raises ``OverflowError`` past it). Each reached
the database from some route and came back as a 500 (issue 13, 11). Refused here once,
for every service, whatever its routes do with their inputs:

- NUL in the path or in a query parameter: ``400``, ``field`` ``path`` or ``query.<name>``
  (``NulInUrl``, an ASGI middleware, before any route runs);
- NUL or a lone surrogate in a JSON body's text: ``422`` naming the field, e.g.
  ``body.name`` (``unstorable_at``, called by the decimal JSON body reader);
- integer route parameters take ``Int64`` (or a narrower bound) so that the answer is a
  ``422`` naming the parameter; the problem handlers turn what still reaches the driver
  into a ``422`` without a field (``shared.http.problems``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Query
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.http.problems import ProblemError, send_problem

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
Int64 = Annotated[int, Query(ge=INT64_MIN, le=INT64_MAX)]
NUL = "\x00"


def storable(text: str) -> bool:
    """Whether PostgreSQL can store ``text``: no NUL, and encodable as UTF-8."""
    if NUL in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_at(document: Any, location: str = "body") -> str | None:
    """Where the first string (or object key) of a JSON document ``storable`` refuses is."""
    for where, text in _strings(document, location):
        if not storable(text):
            return where
    return None


def _strings(value: Any, location: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            # A key is shown escaped: it may hold what the problem document must not.
            shown = key if storable(key) else key.encode("utf-8", "backslashreplace").decode()
            yield f"{location}.{shown}", key
            yield from _strings(item, f"{location}.{shown}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{location}.{index}")


def unstorable_body(location: str) -> ProblemError:
    return ProblemError(
        422,
        "validation",
        f"{location}: text may not hold NUL (U+0000) nor a lone surrogate",
        title="Invalid request content",
        field=location,
        extensions={
            "errors": [
                {
                    "location": location,
                    "message": "text may not hold NUL (U+0000) nor a lone surrogate",
                    "type": "string_unstorable",
                }
            ]
        },
    )


class NulInUrl:
    """Refuse a NUL character in the path or the query with 400, before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = _nul_in_url(scope)
            if where is not None:
                await send_problem(
                    send,
                    ProblemError(
                        400,
                        "invalid_character",
                        f"{where}: may not hold NUL (%00)",
                        title="Invalid character in the URL",
                        field=where,
                    ),
                )
                return
        await self.app(scope, receive, send)


def _nul_in_url(scope: Scope) -> str | None:
    if NUL in scope.get("path", ""):
        return "path"
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" not in query.lower() and NUL not in query:
        return None
    # Decoded as Starlette decodes it for the routes.
    for name, value in parse_qsl(query, keep_blank_values=True):
        if NUL in name:
            return "query"
        if NUL in value:
            return f"query.{name}"
    return None
