"""CSV export of read-model rows, for ops' spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.inventory.api.encoding import plain

CSV_MEDIA_TYPE = "text/csv"
# A cell starting with one of these is run as a formula by spreadsheets; names come
# from outside the program (owners, operators, reasons), so such text is defused.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return CSV_MEDIA_TYPE in request.headers.get("accept", "")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        return str(value)  # a negative quantity is a number, not a formula
    text = str(plain(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], filename: str
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return Response(
        out.getvalue(),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
