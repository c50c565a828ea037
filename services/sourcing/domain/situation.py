"""What the decisions of one transaction are taken against, and what each leaves of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from services.sourcing.domain import ceilings
from services.sourcing.domain.allocation import Allocation, SourcingContext
from services.sourcing.domain.exceptions import Approval
from services.sourcing.domain.orders import OrderState
from services.sourcing.domain.policy import TierPolicy
from services.sourcing.domain.supply import SupplyBook
from services.sourcing.domain.traders import Rosters
from shared.contracts import Phase, require_aware
from shared.treasury_rules import Tally

DEFAULT_PHASE = Phase.INITIAL_FILL
"""A mineral the program never set a phase for is in initial fill."""

_NO_OFFERS = SupplyBook.of(())


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    """The phases and supply books of some minerals, the traders, the policy, the time.

    Read once for a batch. Each decision returns the situation it leaves (``after``),
    and the next decision is taken against that: the same decision, and the same
    record, as if the book and the roster had been read again in between.
    """

    phases: Mapping[str, Phase]
    """The phase in force per mineral; a mineral missing here is in ``DEFAULT_PHASE``."""
    books: Mapping[str, SupplyBook]
    """Per mineral: its live offers and what is left of each."""
    rosters: Rosters
    policy: TierPolicy
    leg_ttl: timedelta
    now: datetime
    tallies: Mapping[str, Tally] = field(default_factory=dict)
    """Per mineral with a ceiling for ``now``'s year: spent + committed against it."""
    approvals: Mapping[str, tuple[Approval, ...]] = field(default_factory=dict)
    """Per order: the policy exceptions a program admin approved for it."""

    def __post_init__(self) -> None:
        require_aware(self.now, "now")

    def context_for(self, order: OrderState) -> SourcingContext:
        phase = order.phase_for(self.phases.get(order.mineral, DEFAULT_PHASE))
        return SourcingContext(
            phase=phase,
            policy=self.policy,
            book=self.books.get(order.mineral, _NO_OFFERS),
            roster=self.rosters.of_market(order.market),
            now=self.now,
            approvals=self.approvals.get(order.order_id, ()),
        )

    def ceiling_refusal(self, order: OrderState, allocation: Allocation) -> str | None:
        """Why the allocation's legs would exceed the mineral's annual ceiling, if they would."""
        tally = self.tallies.get(order.mineral)
        return ceilings.ceiling_refusal(allocation.decision, tally, self.now.year)

    def after(
        self, order: OrderState, context: SourcingContext, allocation: Allocation
    ) -> Situation:
        """The situation once `allocation`, taken for `order` against `context`, is stored."""
        taken = [leg.offer_id for leg in allocation.decision.offer_legs]
        books = dict(self.books)
        books[order.mineral] = allocation.book.as_stored(taken)
        rosters = self.rosters.settled(order.market, context.roster, allocation.roster)
        tallies = dict(self.tallies)
        if order.mineral in tallies:
            tallies[order.mineral] = ceilings.committed(tallies[order.mineral], allocation.decision)
        return replace(self, books=books, rosters=rosters, tallies=tallies)
