"""The checker: what the clients were told against what the services hold, once quiet.

Pure: the run's history, the services' facts (as ``shared.reconciliation`` collects
them), their comparison, the anomalies sourcing noted and the dead letters found.
It asserts the issue's guarantees:

- every fill answered 201 is in holdings exactly once, with its quantity, and no
  fill the gateway holds was refused to its trader;
- the three services agree per leg (the reconciliation reports no difference);
- no leg took more than its quantity, no order received more than it asked for;
- nothing was dead-lettered on the gateway's leg stream (nor on sourcing's), and
  sourcing found nothing it could not apply.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from shared.reconciliation import Facts, Report
from tests.jepsen.history import History


@dataclass(frozen=True)
class Verdict:
    problems: tuple[str, ...]
    summary: dict[str, object]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(
    history: History,
    facts: Facts,
    report: Report,
    *,
    anomalies: int,
    dead_letters: Mapping[str, int],
) -> Verdict:
    problems: list[str] = []
    accepted = history.accepted()
    received = Counter(r.fill_id for r in facts.receipts if not r.held)
    quantity_of = {r.fill_id: r.quantity for r in facts.receipts if not r.held}
    for fill_id, attempt in accepted.items():
        if received[fill_id] != 1:
            problems.append(f"fill {fill_id} answered 201 is in holdings {received[fill_id]} times")
        elif quantity_of[fill_id] != attempt.quantity:
            problems.append(
                f"fill {fill_id}: 201 for {attempt.quantity}, {quantity_of[fill_id]} held"
            )
    at_gateway = {f.fill_id: leg.leg_id for leg in facts.gateway_legs for f in leg.fills}
    unanswered = [f for f in history.fills if f.status is None]
    for fill_id in at_gateway.keys() - accepted.keys():
        if not unanswered:
            problems.append(f"fill {fill_id} is at the gateway but no trader was answered 201")
    for attempt in history.fills:
        if attempt.wrong_origin and attempt.status == 201:
            problems.append(f"a fill of origin {attempt.origin} on {attempt.leg_id} was accepted")
    problems += [f"{d.kind} {d.subject}: {d.detail}" for d in report.differences]
    taken: dict[str, Decimal] = defaultdict(Decimal)
    for attempt in accepted.values():
        taken[attempt.leg_id] += attempt.quantity
    for leg in facts.gateway_legs:
        if taken[leg.leg_id] > leg.quantity:
            problems.append(f"leg {leg.leg_id} took {taken[leg.leg_id]} of {leg.quantity}")
    per_order: dict[str, Decimal] = defaultdict(Decimal)
    for receipt in facts.receipts:
        if not receipt.held:
            per_order[receipt.order_id] += receipt.quantity
    for order_id, got in per_order.items():
        ordered = history.orders.get(order_id)
        if ordered is None or got > ordered:
            problems.append(f"order {order_id} received {got}, ordered {ordered}")
    problems += [f"{n} dead letters on {topic}" for topic, n in dead_letters.items() if n]
    if anomalies:
        problems.append(f"sourcing noted {anomalies} anomalies")
    return Verdict(tuple(problems), _summary(history, facts, report, accepted, dead_letters))


def _summary(
    history: History,
    facts: Facts,
    report: Report,
    accepted: Mapping[str, object],
    dead_letters: Mapping[str, int],
) -> dict[str, object]:
    refused = Counter(f"{f.status} {f.code}" for f in history.fills if f.status != 201)
    declines = Counter(
        "accepted" if d.status == 200 else f"{d.status} {d.code}" for d in history.declines
    )
    statuses = Counter(leg.status for leg in facts.gateway_legs)
    return {
        "seed": history.seed,
        "orders": len(history.orders),
        "legs": len(facts.gateway_legs),
        "legs_by_status": dict(sorted(statuses.items())),
        "plans": dict(sorted(Counter(leg.plan for leg in history.legs.values()).items())),
        "fills_sent": len(history.fills),
        "fills_201": len(accepted),
        "fills_refused": dict(sorted(refused.items())),
        "declines": dict(sorted(declines.items())),
        "receipts": sum(1 for r in facts.receipts if not r.held),
        "reconciliation_differences": len(report.differences),
        "dead_letters": dict(dead_letters),
        "chaos": list(history.chaos),
        "timings_s": dict(history.timings_s),
    }
