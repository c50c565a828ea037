"""Annual ceilings: a placement is routed only if the mineral's tally for the year admits it.

Treasury sets a ceiling per mineral and year (``treasury.annual_ceiling_set``); sourcing
keeps its own tally from its own legs and fills (spent = fills' quantity × price;
committed = open legs' unfilled quantity × their price: the offer's, or the mandate's
limit) and asks the one shared rule, ``shared.treasury_rules.Tally.admits``.

A decision whose legs would push the tally past the ceiling is not routed at all: the
whole quantity it would have placed waits, with the reason ``annual_ceiling: ...``,
until the ceiling is raised (the waiting orders of the mineral are retried then) or a
later retry finds it fits. No leg is split to fit the headroom.
"""

from __future__ import annotations

from decimal import Decimal

from services.sourcing.domain.record import Decision
from shared.treasury_rules import Tally, exceeded_reason

CEILING_REASON = "annual_ceiling"
"""The first word of the reason an order waits with when a ceiling stops it."""


def placement_value(decision: Decision) -> Decimal:
    """What a decision's legs commit: each leg's quantity at its offer price or limit."""
    offers = sum((leg.open_value for leg in decision.offer_legs), Decimal(0))
    return offers + sum((leg.open_value for leg in decision.mandate_legs), Decimal(0))


def ceiling_refusal(decision: Decision, tally: Tally | None, year: int) -> str | None:
    """Why the decision's legs may not be routed, or None if they may (or no ceiling is set)."""
    amount = placement_value(decision)
    if tally is None or amount == 0 or tally.admits(amount):
        return None
    return f"{CEILING_REASON}: {exceeded_reason(decision.mineral, year, tally, amount)}"


def committed(tally: Tally, decision: Decision) -> Tally:
    """The tally once the decision's legs are routed (they were admitted)."""
    amount = placement_value(decision)
    if amount == 0:
        return tally
    return Tally(tally.ceiling, tally.spent, tally.committed + amount)
