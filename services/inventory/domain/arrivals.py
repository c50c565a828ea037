"""Physical receipts apart from title: a custodian's weighed arrival against the fill's title.

The variance is title minus weighed (positive: short weight). Title minus variances
equals what is physically confirmed, per lot and so per mineral and warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Arrival:
    arrival_id: str
    fill_id: str
    warehouse_id: str
    weighed: Decimal
    unit: str
    arrived_on: date
    grade: str
    assay: dict[str, str]
    variance_reason: str
    confirmed_by: str


@dataclass(frozen=True, slots=True)
class Titled:
    """What title passed for a fill: the lot booked for it, where and how much."""

    fill_id: str
    lot_id: str
    mineral: str
    warehouse_id: str
    quantity: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class ArrivalRefused:
    code: str
    detail: str


def variance(titled: Decimal, weighed: Decimal) -> Decimal:
    """Title minus weighed: 0.5 is half a unit short."""
    return titled - weighed


def judge_arrival(arrival: Arrival, titled: Titled | None) -> ArrivalRefused | None:
    """Whether the arrival may be recorded against the fill's title (None: it may).

    Without a title yet it is kept as a receipt without a fill; with one, it must be in
    the lot's warehouse and unit, and a difference needs its reason."""
    if titled is None:
        return None
    if arrival.unit != titled.unit:
        return ArrivalRefused("wrong_unit", f"the lot is counted in {titled.unit}")
    if arrival.warehouse_id != titled.warehouse_id:
        return ArrivalRefused("wrong_warehouse", f"the fill's lot is held in {titled.warehouse_id}")
    if variance(titled.quantity, arrival.weighed) != 0 and not arrival.variance_reason.strip():
        return ArrivalRefused(
            "variance_needs_reason",
            f"weighed {arrival.weighed} against {titled.quantity} titled: say why",
        )
    return None


@dataclass(frozen=True, slots=True)
class PhysicalLine:
    mineral: str
    warehouse_id: str
    unit: str
    titled: Decimal  # title passed on every fill booked here
    in_transit: Decimal  # titled, not yet confirmed arrived
    received_title: Decimal  # titled and confirmed arrived
    variances: Decimal  # title minus weighed, over what arrived
    physical: Decimal  # weighed: what is physically confirmed


def physical_holdings(titles: Iterable[Titled], arrivals: Iterable[Arrival]) -> list[PhysicalLine]:
    """Per (mineral, warehouse): titled, in transit, and physically confirmed quantities."""
    by_fill = {a.fill_id: a for a in arrivals}
    groups: dict[tuple[str, str, str], list[tuple[Titled, Arrival | None]]] = {}
    for title in titles:
        key = (title.mineral, title.warehouse_id, title.unit)
        groups.setdefault(key, []).append((title, by_fill.get(title.fill_id)))
    lines = []
    zero = Decimal(0)
    for (mineral, warehouse_id, unit), members in sorted(groups.items()):
        arrived = [(t, a) for t, a in members if a is not None]
        lines.append(
            PhysicalLine(
                mineral=mineral,
                warehouse_id=warehouse_id,
                unit=unit,
                titled=sum((t.quantity for t, _ in members), zero),
                in_transit=sum((t.quantity for t, a in members if a is None), zero),
                received_title=sum((t.quantity for t, _ in arrived), zero),
                variances=sum((variance(t.quantity, a.weighed) for t, a in arrived), zero),
                physical=sum((a.weighed for _, a in arrived), zero),
            )
        )
    return lines
