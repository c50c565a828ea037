"""Treasury's HTTP API: one module per resource; every route names the caller it requires."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends

from services.treasury.context import Treasury
from shared.http.context import context_of
from shared.http.json import plain

Ctx = Annotated[Treasury, Depends(context_of)]


def answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """A report or record as JSON values: decimals as text, days and times as ISO 8601."""
    plain_body: dict[str, Any] = plain(body)
    return plain_body
