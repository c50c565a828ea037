"""Request bodies parsed with decimals, never floats, and nothing ambiguous let through.

FastAPI parses JSON with ``json.loads``, which turns ``12345678901.1234567`` into a
float that is then silently a different number. Here numbers become ``Decimal``
exactly as sent; NaN/Infinity and repeated keys (which parsers disagree about) are
refused; anything unparseable is a JSONDecodeError, which the API answers as 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.responses import Response

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
            self._json = parse_json(await self.body())
        return self._json


class DecimalJsonRoute(APIRoute):
    """Every route of the API reads its body through ``DecimalJsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_handler(request: Request) -> Response:
            return await handler(DecimalJsonRequest(request.scope, request.receive))

        return decimal_handler
