"""JSON in and out: request bodies with exact decimals; decimals written as plain text.

In: request bodies parsed with decimals, never floats, and nothing ambiguous let through.

FastAPI parses JSON with ``json.loads``, which turns ``12345678901.1234567`` into a
float that is then silently a different number. Here numbers become ``Decimal``
exactly as sent; NaN/Infinity and repeated keys (which parsers disagree about) are
refused; anything unparseable is a JSONDecodeError, which the API answers as 400; text
no database column can hold (NUL, a lone surrogate) is a 422 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import PlainSerializer
from starlette.responses import Response

from shared.http import text
from shared.http.problems import ProblemRaised

# Python refuses to convert integers longer than this to int; huge ones stay Decimal
# so the field's own bounds refuse them with a readable 422.
_MAX_INT_DIGITS = 30


def _number(text: str) -> int | Decimal:
    return int(text) if len(text) <= _MAX_INT_DIGITS else Decimal(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("a JSON object repeats a key")
    return document


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(
            raw,
            parse_float=Decimal,
            parse_int=_number,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as error:  # bad UTF-8, repeated keys, nesting bombs
        raise json.JSONDecodeError(type(error).__name__, "", 0) from error


class DecimalJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            document = parse_json(await self.body())
            # Text no column can hold (NUL, a lone surrogate) is refused naming its field,
            # whatever the route does with it (shared.http.text).
            where = text.unstorable_at(document)
            if where is not None:
                raise ProblemRaised(text.unstorable_body(where))
            self._json = document
        return self._json


class DecimalJsonRoute(APIRoute):
    """Every route of the API reads its body through ``DecimalJsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_handler(request: Request) -> Response:
            return await handler(DecimalJsonRequest(request.scope, request.receive))

        return decimal_handler


# Out: written as plain decimal text ("30000", never "3E+4"), whatever form the Decimal took.
DecimalText = Annotated[
    Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")
]


def plain(value: Any) -> Any:
    """Rows read straight from SQL as JSON values: decimals as text, times as ISO 8601."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


def json_response(body: Mapping[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(plain(body), status_code=status_code)
