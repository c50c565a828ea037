"""Deciding for a batch in turn gives what deciding for each alone, after a fresh read, gives."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.sourcing.domain import (
    LegState,
    Rosters,
    Situation,
    SupplyBook,
    TierPolicy,
    TraderRoster,
    Trigger,
    place_open,
)

from .builders import NOW
from .states import LEG_TTL, order
from .strategies import books, limits, policies, rosters

EXAMPLES = settings(max_examples=100, deadline=None)


def _read_again(book: SupplyBook, taken: dict[str, Decimal]) -> SupplyBook:
    """What reading the offers table again gives: offers with something left, as much as is."""
    left = {
        o.offer_id: book.remaining(o.offer_id) - taken.get(o.offer_id, Decimal(0)) for o in book
    }
    live = [o for o in book if left[o.offer_id] > 0]
    return SupplyBook.of(live).consume({o.offer_id: o.quantity - left[o.offer_id] for o in live})


def _with_legs(rosters: Rosters, opened: Sequence[LegState]) -> Rosters:
    """What summing the open legs again gives, these new ones included."""
    quantities = dict(rosters.open_quantity)
    values = dict(rosters.open_value)
    for leg in opened:
        key = (leg.trader_id, leg.market)
        quantities[key] = quantities.get(key, Decimal(0)) + leg.quantity
        values[leg.trader_id] = (
            values.get(leg.trader_id, Decimal(0)) + leg.quantity * leg.unit_price
        )
    return Rosters(rosters.traders, quantities, values)


def _situation(book: SupplyBook, rosters: Rosters, policy: TierPolicy) -> Situation:
    return Situation(
        phases={}, books={"cobalt": book}, rosters=rosters, policy=policy, leg_ttl=LEG_TTL, now=NOW
    )


@EXAMPLES
@given(books(), rosters(), policies(), st.data())
def test_a_decision_taken_after_another_is_the_one_a_fresh_read_would_give(
    book: SupplyBook, roster: TraderRoster, policy: TierPolicy, data: st.DataObject
) -> None:
    stored = _read_again(book, {})
    traders = Rosters(
        roster.traders,
        {(t, "cobalt"): e.open_quantity for t, e in roster.exposures.items()},
        {t: e.open_value for t, e in roster.exposures.items()},
    )
    limit = data.draw(st.none() | limits)
    price = None if limit is None else str(limit)
    first_order = order("o-1", quantity=str(data.draw(st.integers(1, 400))), limit_price=price)
    second_order = order("o-2", quantity=str(data.draw(st.integers(1, 400))), limit_price=price)

    first = place_open(first_order, _situation(stored, traders, policy), Trigger.REQUESTED)
    assert first.situation is not None
    in_turn = place_open(second_order, first.situation, Trigger.REQUESTED).change

    fresh = _situation(
        _read_again(stored, dict(first.change.taken)),
        _with_legs(traders, first.change.opened),
        policy,
    )
    alone = place_open(second_order, fresh, Trigger.REQUESTED).change
    assert in_turn == alone
