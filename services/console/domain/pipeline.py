"""The pipeline as hops: per topic, who publishes at what rate, who consumes, how far
behind, and what was dead-lettered. Built from two snapshots of every service's metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from services.console.domain.metrics import Snapshot, rates, totals
from shared import topics

OUT = "vault_messages_out_total"
IN = "vault_messages_in_total"
LAG = "vault_consumer_lag"
STALLED = "vault_consumer_stalled_seconds"
DEAD = "vault_dead_letters_total"
BACKLOG = "vault_outbox_backlog"
OLDEST = "vault_outbox_oldest_seconds"
PARKED = "vault_outbox_parked"


@dataclass(frozen=True, slots=True)
class Consumer:
    service: str
    per_s: float
    lag: float
    stalled_s: float
    dead_letters: float


@dataclass(frozen=True, slots=True)
class Hop:
    topic: str
    published_per_s: dict[str, float] = field(default_factory=dict)
    consumers: tuple[Consumer, ...] = ()

    @property
    def lag(self) -> float:
        return sum(c.lag for c in self.consumers)


@dataclass(frozen=True, slots=True)
class Outbox:
    service: str
    backlog: float
    oldest_s: float
    parked: float


def _order(topic: str) -> tuple[int, str]:
    # The flow's own order (shared.topics.ALL), topics it does not know yet last.
    return (topics.ALL.index(topic) if topic in topics.ALL else len(topics.ALL), topic)


def hops(window: Sequence[Snapshot]) -> list[Hop]:
    """Every topic some service publishes or consumes, in the flow's order."""
    if not window:
        return []
    newer = window[-1]
    older = window[0] if len(window) > 1 else window[-1]
    out = rates(older, newer, OUT, ("topic", "service"))
    into = rates(older, newer, IN, ("topic", "service"))
    lag = totals(newer, LAG, ("topic", "service"))
    stalled: dict[tuple[str, ...], float] = {}
    for (topic, service, _), value in totals(
        newer, STALLED, ("topic", "service", "partition")
    ).items():
        stalled[(topic, service)] = max(stalled.get((topic, service), 0.0), value)
    dead = totals(newer, DEAD, ("topic", "service"))
    consumed = {(t, s) for (t, s) in (*into, *lag, *totals(newer, IN, ("topic", "service")))}
    published = {(t, s) for (t, s) in (*out, *totals(newer, OUT, ("topic", "service")))}
    names = sorted({t for t, _ in consumed | published}, key=_order)
    return [
        Hop(
            topic=name,
            published_per_s={s: out.get((t, s), 0.0) for t, s in sorted(published) if t == name},
            consumers=tuple(
                Consumer(
                    service=s,
                    per_s=into.get((t, s), 0.0),
                    lag=lag.get((t, s), 0.0),
                    stalled_s=stalled.get((t, s), 0.0),
                    dead_letters=dead.get((t, s), 0.0),
                )
                for t, s in sorted(consumed)
                if t == name
            ),
        )
        for name in names
    ]


def outboxes(snapshot: Snapshot) -> list[Outbox]:
    backlog = totals(snapshot, BACKLOG, ("service",))
    oldest = totals(snapshot, OLDEST, ("service",))
    parked = totals(snapshot, PARKED, ("service",))
    return [
        Outbox(s, backlog.get((s,), 0.0), oldest.get((s,), 0.0), parked.get((s,), 0.0))
        for s in snapshot.readings
    ]


def dead_letters_by_topic(snapshot: Snapshot) -> dict[str, float]:
    """Dead letters sent since each service started, per original topic."""
    found: dict[str, float] = {}
    for (topic,), value in totals(snapshot, DEAD, ("topic",)).items():
        found[topic] = found.get(topic, 0.0) + value
    return dict(sorted(found.items(), key=lambda item: _order(item[0])))
