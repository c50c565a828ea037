"""Issue 16: coverage against target as chart data: days of supply beside the target days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from services.console.domain.shares import Bars


def _days(value: Any) -> float:
    return 0.0 if value is None else float(value)


def days_against_target(rows: Iterable[Mapping[str, Any]], label: str) -> Bars:
    """One label per row (``label`` names its key), two series: days held, target days."""
    listed = list(rows)
    return Bars(
        labels=[
            f"{r[label]} · {r['mineral']}" if label != "mineral" else r["mineral"] for r in listed
        ],
        series={
            "days of supply": [_days(r["days"]) for r in listed],
            "target": [float(r["target_days"]) for r in listed],
        },
    )


def below_target(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in rows if not r["meets_target"]]
