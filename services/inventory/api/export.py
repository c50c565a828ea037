"""CSV export of read-model rows, for ops' spreadsheets."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from shared.http.json import plain

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
        headers={"content-disposition": content_disposition(filename)},
    )


def content_disposition(filename: str) -> str:
    """An attachment header for any name (it holds a path parameter, which may be any
    Unicode): headers are Latin-1, so a plain ASCII name and the exact one per RFC 6266
    (``filename*``, UTF-8 percent-encoded). Any text once made it a 500."""
    plain_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    exact = urllib.parse.quote(filename.encode("utf-8", "surrogatepass"), safe="")
    return f"attachment; filename=\"{plain_name}\"; filename*=UTF-8''{exact}"
