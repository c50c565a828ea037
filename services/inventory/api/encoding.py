"""Plain JSON for rows read straight from SQL: decimals as text (never floats), times as ISO 8601."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi.responses import JSONResponse


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


def json_response(body: Mapping[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(plain(body), status_code=status_code)
