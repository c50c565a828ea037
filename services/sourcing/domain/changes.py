"""What a transition of an order decided: its new state, what to store, what to say.

Every transition (``placement``, ``answers``) returns a ``Change``; a handler adds the
changes of a whole batch into ``Changes`` and stores them with a few set statements.
The happenings are the domain's own events; ``events.py`` turns them into contracts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias

from services.sourcing.domain.explanation import Trigger
from services.sourcing.domain.orders import LegState, OrderState
from shared.contracts import FillConfirmed, Phase, Tier


@dataclass(frozen=True, slots=True)
class LegOpened:
    order: OrderState
    leg: LegState


@dataclass(frozen=True, slots=True)
class CancelRequested:
    """Sourcing asks the gateway for an open leg back (its order's delivery day passed).

    The gateway decides: it closes the leg if still open and says so, like any closing.
    """

    order: OrderState
    leg: LegState
    reason: str


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """The order's status, open quantity or reason moved: said with the order as it now is."""

    order: OrderState


@dataclass(frozen=True, slots=True)
class FillAccepted:
    """A fill the gateway confirmed, learnt against its leg, with the tier and policy it
    was bought under: inventory books it from ``order.fill_recorded``."""

    order: OrderState
    leg: LegState
    fill: FillConfirmed
    tier: Tier
    policy_version: str


Happening: TypeAlias = LegOpened | CancelRequested | OrderChanged | FillAccepted


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something the gateway said that sourcing could not apply as it stood: a bug.

    Sourcing still learns what it can (a confirmed fill is always recorded and passed
    on to inventory); the anomaly is kept for ops, logged and counted, never refused.
    """

    kind: str
    order_id: str
    leg_id: str
    detail: str
    fill_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionEntry:
    """One decision for the order's record: what triggered it, under which phase and policy."""

    order_id: str
    trigger: Trigger
    phase: Phase
    policy_version: str
    record: dict[str, Any]
    decided_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One order after a transition, and everything the transition did.

    `saved` says whether the order's own row changed; `opened` are new legs and
    `updated` legs that changed (filled, closed), as they now are; `taken` is what new
    legs took from each offer.
    """

    order: OrderState
    saved: bool = True
    opened: tuple[LegState, ...] = ()
    updated: tuple[LegState, ...] = ()
    taken: tuple[tuple[str, Decimal], ...] = ()
    decisions: tuple[DecisionEntry, ...] = ()
    fills: tuple[FillAccepted, ...] = ()
    events: tuple[Happening, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()

    @classmethod
    def none(cls, order: OrderState) -> Change:
        """Nothing to store or say: the order stays as it is."""
        return cls(order=order, saved=False)

    @property
    def is_empty(self) -> bool:
        return not (self.saved or self.opened or self.updated or self.events or self.anomalies)

    def then(self, later: Change) -> Change:
        """This change followed by a later one of the same order."""
        return Change(
            order=later.order,
            saved=self.saved or later.saved,
            opened=self.opened + later.opened,
            updated=self.updated + later.updated,
            taken=self.taken + later.taken,
            decisions=self.decisions + later.decisions,
            fills=self.fills + later.fills,
            events=self.events + later.events,
            anomalies=self.anomalies + later.anomalies,
        )


@dataclass(slots=True)
class Changes:
    """The changes of a batch, merged into what to write: each row once, as it ends up.

    An order (or a leg) changed twice in a batch is written once, in its last state;
    a leg opened and changed again in the batch is inserted as it ends up; quantities
    taken from one offer add up; decisions, fills and events keep their order.
    """

    orders: dict[str, OrderState] = field(default_factory=dict)
    new_legs: dict[str, LegState] = field(default_factory=dict)
    changed_legs: dict[str, LegState] = field(default_factory=dict)
    taken: dict[str, Decimal] = field(default_factory=dict)
    decisions: list[DecisionEntry] = field(default_factory=list)
    fills: list[FillAccepted] = field(default_factory=list)
    events: list[Happening] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    @classmethod
    def of(cls, changes: Iterable[Change]) -> Changes:
        merged = cls()
        for change in changes:
            merged.add(change)
        return merged

    def add(self, change: Change) -> None:
        if change.saved:
            self.orders[change.order.order_id] = change.order
        for leg in change.opened:
            self.new_legs[leg.leg_id] = leg
        for leg in change.updated:
            if leg.leg_id in self.new_legs:
                self.new_legs[leg.leg_id] = leg
            else:
                self.changed_legs[leg.leg_id] = leg
        for offer_id, quantity in change.taken:
            self.taken[offer_id] = self.taken.get(offer_id, Decimal(0)) + quantity
        self.decisions += change.decisions
        self.fills += change.fills
        self.events += change.events
        self.anomalies += change.anomalies
