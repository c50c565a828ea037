"""Rows of amounts into what the charts draw: one bar per mineral, one series per group.

Quantities of different minerals never add (tonnes of cobalt, kilograms of gallium),
so every chart keeps a mineral per bar, its unit in the label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TIERS = ("domestic", "allied", "other")
Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Bars:
    """Labels along the axis, and each series' value at each label."""

    labels: list[str]
    series: dict[str, list[float]]

    @property
    def empty(self) -> bool:
        return not self.labels

    def totals(self) -> dict[str, float]:
        """Each label's sum over every series."""
        return {
            label: sum(values[i] for values in self.series.values())
            for i, label in enumerate(self.labels)
        }


def _amount(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def by_mineral(
    rows: Sequence[Row],
    group: str,
    *,
    amount: str = "quantity",
    order: Sequence[str] = (),
    totals: bool = False,
) -> Bars:
    """Per mineral (labelled with its unit, and its total when ``totals``), ``amount``
    summed per value of ``group``."""
    sums: dict[tuple[str, str], Decimal] = {}
    units: dict[str, str] = {}
    for row in rows:
        mineral = str(row["mineral"])
        units[mineral] = str(row.get("unit") or "")
        key = (mineral, str(row.get(group) or "unknown"))
        sums[key] = sums.get(key, Decimal(0)) + _amount(row.get(amount))
    minerals = sorted(units)
    found = {g for _, g in sums}
    groups = [g for g in order if g in found] + sorted(found - set(order))

    def label(mineral: str) -> str:
        unit = units[mineral]
        if totals:
            total = sum((v for (m, _), v in sums.items() if m == mineral), Decimal(0))
            return f"{mineral} ({total.normalize():,f} {unit})".replace(" )", ")")
        return f"{mineral} ({unit})" if unit else mineral

    return Bars(
        labels=[label(m) for m in minerals],
        series={g: [float(sums.get((m, g), 0)) for m in minerals] for g in groups},
    )


def shares(bars: Bars) -> Bars:
    """Each label's series as percentages of that label's total."""
    totals = list(bars.totals().values())
    return Bars(
        labels=bars.labels,
        series={
            name: [round(100 * v / t, 1) if t else 0.0 for v, t in zip(values, totals, strict=True)]
            for name, values in bars.series.items()
        },
    )


def premium_by_mineral(rows: Sequence[Row]) -> dict[str, Decimal]:
    """Premium paid over the best allied offer, per mineral, dearest first."""
    found: dict[str, Decimal] = {}
    for row in rows:
        found[str(row["mineral"])] = found.get(str(row["mineral"]), Decimal(0)) + _amount(
            row.get("premium_usd")
        )
    return dict(sorted(((m, p) for m, p in found.items() if p > 0), key=lambda i: -i[1]))


@dataclass(frozen=True, slots=True)
class TraderRecord:
    trader_id: str
    open_legs: int
    filled_legs: int
    declined_legs: int
    expired_legs: int
    cancelled_legs: int
    fills: int
    median_time_to_fill_s: float | None
    mean_time_to_fill_s: float | None

    @property
    def closed(self) -> int:
        return self.filled_legs + self.declined_legs + self.expired_legs

    @property
    def fill_rate(self) -> float | None:
        """Legs filled in full among those the trader finished (filled, declined, expired);
        cancelled legs were sourcing's doing, open ones are not decided yet."""
        return None if self.closed == 0 else self.filled_legs / self.closed


def traders(rows: Sequence[Row]) -> list[TraderRecord]:
    def seconds(value: Any) -> float | None:
        return None if value is None else float(value)

    return [
        TraderRecord(
            trader_id=str(r["trader_id"]),
            open_legs=int(r["open_legs"]),
            filled_legs=int(r["filled_legs"]),
            declined_legs=int(r["declined_legs"]),
            expired_legs=int(r["expired_legs"]),
            cancelled_legs=int(r["cancelled_legs"]),
            fills=int(r["fills"]),
            median_time_to_fill_s=seconds(r.get("median_time_to_fill_s")),
            mean_time_to_fill_s=seconds(r.get("mean_time_to_fill_s")),
        )
        for r in rows
    ]
