"""Prometheus text as numbers, and what one sample of every service holds.

A series is its metric's sample name and its labels; a service's reading maps each
series to its value. Counters become rates between two snapshots (a restarted
service's counter starts again from zero: the rate is then its new value over the
interval, never negative).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

Labels = tuple[tuple[str, str], ...]
Series = tuple[str, Labels]


def parse(text: str) -> dict[Series, float]:
    """Every sample of a /metrics page (``_created`` timestamps left out)."""
    values: dict[Series, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue
            values[(sample.name, tuple(sorted(sample.labels.items())))] = float(sample.value)
    return values


def families(text: str) -> set[str]:
    """The metric names a /metrics page declares (with or without samples yet)."""
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        # The parser names a counter's family without ``_total``, its samples with it: a
        # counter that has counted nothing yet is still served under its ``_total`` name.
        if family.type == "counter":
            names.add(family.name + "_total")
        names.update(sample.name for sample in family.samples)
    return names


@dataclass(frozen=True, slots=True)
class Reading:
    """One service as the console found it at one moment."""

    service: str
    up: bool
    ready: bool | None = None
    checks: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[Series, float] = field(default_factory=dict)
    error: str = ""

    def select(self, name: str, **match: str) -> Iterable[tuple[dict[str, str], float]]:
        for (series_name, labels), value in self.values.items():
            if series_name != name:
                continue
            found = dict(labels)
            if all(found.get(k) == v for k, v in match.items()):
                yield found, value


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: datetime
    readings: Mapping[str, Reading]


Key = tuple[str, ...]


def totals(snapshot: Snapshot, name: str, by: Sequence[str], **match: str) -> dict[Key, float]:
    """Sum of ``name`` over every service, grouped by the labels ``by`` ("service" included)."""
    out: dict[Key, float] = {}
    for service, reading in snapshot.readings.items():
        for labels, value in reading.select(name, **match):
            labels = {"service": service, **labels}
            key = tuple(labels.get(label, "") for label in by)
            out[key] = out.get(key, 0.0) + value
    return out


def rates(
    older: Snapshot, newer: Snapshot, name: str, by: Sequence[str], **match: str
) -> dict[Key, float]:
    """Per second between two snapshots, grouped by ``by``; a counter that went back
    (its process restarted) counts from zero."""
    seconds = (newer.at - older.at).total_seconds()
    if seconds <= 0:
        return {}
    before = _per_series(older, name, **match)
    out: dict[Key, float] = {}
    for series, (labels, value) in _per_series(newer, name, **match).items():
        previous = before.get(series, (labels, 0.0))[1]
        delta = value - previous if value >= previous else value
        key = tuple(labels.get(label, "") for label in by)
        out[key] = out.get(key, 0.0) + delta / seconds
    return out


def _per_series(
    snapshot: Snapshot, name: str, **match: str
) -> dict[tuple[str, Labels], tuple[dict[str, str], float]]:
    found: dict[tuple[str, Labels], tuple[dict[str, str], float]] = {}
    for service, reading in snapshot.readings.items():
        for labels, value in reading.select(name, **match):
            found[(service, tuple(sorted(labels.items())))] = (
                {"service": service, **labels},
                value,
            )
    return found


def rate_series(
    window: Sequence[Snapshot], name: str, by: Sequence[str], **match: str
) -> tuple[list[datetime], dict[Key, list[float]]]:
    """Rates per interval across the window: the times, and each group's rate at each."""
    times = [s.at for s in window[1:]]
    per_step = [rates(a, b, name, by, **match) for a, b in itertools.pairwise(window)]
    keys = sorted({k for step in per_step for k in step})
    return times, {k: [step.get(k, 0.0) for step in per_step] for k in keys}
