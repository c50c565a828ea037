"""The comparison itself, pure: the three services' facts in, every difference out.

The rules (the gateway owns a leg's fills and closing; the others follow it):

- per leg: the gateway's fills = sourcing's fills = inventory's receipts, fill by fill
  (same fill ids, same quantities) and in total; each side's filled total is the sum
  of its own fills; sourcing's view of whether the leg is open is the gateway's;
- per order: placed <= ordered, filled <= ordered, received <= ordered, and
  sourcing's filled total is the sum of its legs' fills.

Services are read one after the other, so events in flight show as differences
that go away; ``vault reconcile --wait`` reads again until none are left or time
is up. A difference that stays is a bug (or a fill held for ops), never noise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from shared.reconciliation.facts import Facts, FillFact, GatewayLeg, Receipt, SourcingLeg

_ZERO = Decimal(0)
# Statuses in which a leg takes no more fills, per service; ``open`` and (the
# gateway's) ``partially_filled`` take fills.
_OPEN = frozenset({"open", "partially_filled"})


@dataclass(frozen=True, slots=True, order=True)
class Difference:
    """One way the services disagree. ``subject`` is the leg, order or fill it is about."""

    kind: str
    subject: str
    detail: str


@dataclass(frozen=True, slots=True)
class Report:
    legs: int
    fills: int
    orders: int
    differences: tuple[Difference, ...]

    @property
    def agrees(self) -> bool:
        return not self.differences

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for difference in self.differences:
            counts[difference.kind] += 1
        return dict(sorted(counts.items()))

    def as_json(self) -> dict[str, object]:
        return {
            "agrees": self.agrees,
            "legs": self.legs,
            "fills": self.fills,
            "orders": self.orders,
            "differences_by_kind": self.by_kind(),
            "differences": [
                {"kind": d.kind, "subject": d.subject, "detail": d.detail} for d in self.differences
            ],
        }


def reconcile(facts: Facts) -> Report:
    """Every difference between what the gateway, sourcing and inventory say."""
    found: list[Difference] = [
        Difference("service_unreachable", name, f"{name} did not answer; its facts are missing")
        for name in facts.unreachable
    ]
    gateway = _unique(facts.gateway_legs, "gateway", found)
    sourcing = _unique(facts.sourcing_legs, "sourcing", found)
    found += _leg_totals("gateway", gateway.values())
    found += _leg_totals("sourcing", sourcing.values())
    found += _legs_known(gateway, sourcing)
    found += _leg_status(gateway, sourcing)
    received = _received(facts.receipts, found)
    found += _fills(gateway, sourcing, received)
    found += _per_leg(gateway, sourcing, received)
    found += _orders(facts, sourcing, received)
    fill_ids = {f.fill_id for leg in gateway.values() for f in leg.fills}
    fill_ids |= {f.fill_id for leg in sourcing.values() for f in leg.fills} | set(received)
    orders = {o.order_id for o in facts.sourcing_orders}
    return Report(
        legs=len(set(gateway) | set(sourcing)),
        fills=len(fill_ids),
        orders=len(orders),
        differences=tuple(sorted(set(found))),
    )


L = TypeVar("L", GatewayLeg, SourcingLeg)


def _unique(legs: Iterable[L], service: str, found: list[Difference]) -> dict[str, L]:
    by_id: dict[str, L] = {}
    for leg in legs:
        if leg.leg_id in by_id:
            found.append(Difference("leg_listed_twice", leg.leg_id, f"{service} lists it twice"))
        by_id[leg.leg_id] = leg
    return by_id


def _sum(fills: Iterable[FillFact]) -> Decimal:
    return sum((f.quantity for f in fills), _ZERO)


def _leg_totals(service: str, legs: Iterable[GatewayLeg | SourcingLeg]) -> list[Difference]:
    found = []
    for leg in legs:
        counted = _sum(leg.fills)
        if counted != leg.filled:
            found.append(
                Difference(
                    "leg_total",
                    leg.leg_id,
                    f"{service} says {_n(leg.filled)} filled but its fills add to {_n(counted)}",
                )
            )
        if counted > leg.quantity:
            found.append(
                Difference(
                    "leg_over_filled",
                    leg.leg_id,
                    f"{service}'s fills add to {_n(counted)}, more than the leg's "
                    f"{_n(leg.quantity)}",
                )
            )
    return found


def _legs_known(
    gateway: Mapping[str, GatewayLeg], sourcing: Mapping[str, SourcingLeg]
) -> list[Difference]:
    found = [
        Difference("leg_not_at_gateway", leg_id, "sourcing routed it; the gateway has no such leg")
        for leg_id in sourcing.keys() - gateway.keys()
    ]
    found += [
        Difference("leg_not_at_sourcing", leg_id, "the gateway has it; sourcing never routed it")
        for leg_id in gateway.keys() - sourcing.keys()
    ]
    for leg_id in gateway.keys() & sourcing.keys():
        ours, theirs = gateway[leg_id], sourcing[leg_id]
        if (ours.order_id, ours.quantity) != (theirs.order_id, theirs.quantity):
            found.append(
                Difference(
                    "leg_terms",
                    leg_id,
                    f"gateway: order {ours.order_id}, {_n(ours.quantity)}; "
                    f"sourcing: order {theirs.order_id}, {_n(theirs.quantity)}",
                )
            )
    return found


def _leg_status(
    gateway: Mapping[str, GatewayLeg], sourcing: Mapping[str, SourcingLeg]
) -> list[Difference]:
    found = []
    for leg_id in gateway.keys() & sourcing.keys():
        owner, learnt = gateway[leg_id].status, sourcing[leg_id].status
        if (owner in _OPEN) != (learnt in _OPEN) or (owner not in _OPEN and owner != learnt):
            found.append(Difference("leg_status", leg_id, f"gateway: {owner}; sourcing: {learnt}"))
    return found


def _received(receipts: Iterable[Receipt], found: list[Difference]) -> dict[str, Receipt]:
    by_fill: dict[str, Receipt] = {}
    for receipt in receipts:
        earlier = by_fill.get(receipt.fill_id)
        if earlier is not None and not (earlier.held or receipt.held):
            found.append(
                Difference("fill_received_twice", receipt.fill_id, "inventory booked it twice")
            )
        if earlier is None or earlier.held:
            by_fill[receipt.fill_id] = receipt
    return by_fill


def _fills(
    gateway: Mapping[str, GatewayLeg],
    sourcing: Mapping[str, SourcingLeg],
    received: Mapping[str, Receipt],
) -> list[Difference]:
    confirmed = {f.fill_id: (leg.leg_id, f.quantity) for leg in gateway.values() for f in leg.fills}
    learnt = {f.fill_id: (leg.leg_id, f.quantity) for leg in sourcing.values() for f in leg.fills}
    found = []
    for fill_id, (leg_id, quantity) in confirmed.items():
        said = f"(leg {leg_id}, {_n(quantity)})"
        if fill_id not in learnt:
            found.append(
                Difference("fill_not_learnt", fill_id, f"sourcing has not recorded it {said}")
            )
        elif learnt[fill_id] != (leg_id, quantity):
            other_leg, other_quantity = learnt[fill_id]
            found.append(
                Difference(
                    "fill_differs",
                    fill_id,
                    f"gateway {said}; sourcing (leg {other_leg}, {_n(other_quantity)})",
                )
            )
        receipt = received.get(fill_id)
        if receipt is None or receipt.held:
            why = f": held for ops, {receipt.reason}" if receipt is not None else ""
            found.append(Difference("fill_not_received", fill_id, f"not in holdings {said}{why}"))
        elif receipt.quantity != quantity or receipt.leg_id not in (None, leg_id):
            found.append(
                Difference(
                    "fill_differs",
                    fill_id,
                    f"gateway {said}; inventory received {_n(receipt.quantity)}"
                    f" on leg {receipt.leg_id or '?'}",
                )
            )
    for fill_id in learnt.keys() - confirmed.keys():
        found.append(
            Difference("fill_unconfirmed", fill_id, "sourcing recorded it; the gateway never")
        )
    for fill_id, receipt in received.items():
        if fill_id not in confirmed and not receipt.held:
            found.append(
                Difference("fill_unconfirmed", fill_id, "inventory received it; the gateway never")
            )
    return found


def _per_leg(
    gateway: Mapping[str, GatewayLeg],
    sourcing: Mapping[str, SourcingLeg],
    received: Mapping[str, Receipt],
) -> list[Difference]:
    """The leg's three totals side by side, where they differ."""
    leg_of = {f.fill_id: leg.leg_id for leg in gateway.values() for f in leg.fills}
    in_holdings: dict[str, Decimal] = defaultdict(Decimal)
    for receipt in received.values():
        leg_id = receipt.leg_id or leg_of.get(receipt.fill_id)
        if leg_id is not None and not receipt.held:
            in_holdings[leg_id] += receipt.quantity
    found = []
    for leg_id in sorted(gateway.keys() | sourcing.keys() | in_holdings.keys()):
        totals = (
            _sum(gateway[leg_id].fills) if leg_id in gateway else _ZERO,
            _sum(sourcing[leg_id].fills) if leg_id in sourcing else _ZERO,
            in_holdings.get(leg_id, _ZERO),
        )
        if len(set(totals)) > 1:
            found.append(
                Difference(
                    "leg_fills",
                    leg_id,
                    "gateway {}, sourcing {}, inventory {}".format(*map(_n, totals)),
                )
            )
    return found


def _orders(
    facts: Facts, sourcing: Mapping[str, SourcingLeg], received: Mapping[str, Receipt]
) -> list[Difference]:
    learnt: dict[str, Decimal] = defaultdict(Decimal)
    for leg in sourcing.values():
        learnt[leg.order_id] += _sum(leg.fills)
    booked: dict[str, Decimal] = defaultdict(Decimal)
    for receipt in received.values():
        if not receipt.held:
            booked[receipt.order_id] += receipt.quantity
    found = []
    for order in facts.sourcing_orders:
        subject, ordered = order.order_id, order.ordered
        for kind, amount, what in (
            ("order_over_placed", order.placed, "placed"),
            ("order_over_filled", order.filled, "filled"),
            ("order_over_filled", learnt.get(subject, _ZERO), "filled by its legs' fills"),
            ("order_over_received", booked.get(subject, _ZERO), "received into holdings"),
        ):
            if amount > ordered:
                found.append(
                    Difference(kind, subject, f"{_n(amount)} {what}, {_n(ordered)} ordered")
                )
        if order.filled != learnt.get(subject, _ZERO):
            found.append(
                Difference(
                    "order_total",
                    subject,
                    f"says {_n(order.filled)} filled; its legs' fills add to "
                    f"{_n(learnt.get(subject, _ZERO))}",
                )
            )
    return found


def _n(amount: Decimal) -> str:
    return format(amount.normalize(), "f")
