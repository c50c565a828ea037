"""A batch's changes merged into what to write, and traders' room shared across markets."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from services.sourcing.domain import (
    Change,
    Changes,
    OrderChanged,
    Rosters,
    Trigger,
    place_open,
)

from .builders import offer, trader
from .states import leg, order, situation


def test_an_order_changed_twice_in_a_batch_is_written_once_as_it_ends_up() -> None:
    first = place_open(order(), situation([offer("a", quantity="40")]), Trigger.REQUESTED)
    later = replace(first.change.order, open_reason="later")
    second = Change(order=later, events=(OrderChanged(later),))

    merged = Changes.of([first.change, second])

    assert merged.orders == {"o-1": later}
    assert [type(e).__name__ for e in merged.events] == [
        "LegOpened",
        "OrderChanged",
        "OrderChanged",
    ]
    assert len(merged.decisions) == 1


def test_a_leg_opened_and_changed_in_one_batch_is_inserted_as_it_ends_up() -> None:
    opened = leg()
    filled = replace(opened, filled=Decimal(100), status="filled")
    known = leg(sequence=2)

    merged = Changes.of(
        [
            Change(order=order(), saved=False, opened=(opened,)),
            Change(order=order(), saved=False, updated=(filled, known)),
        ]
    )

    assert merged.new_legs == {opened.leg_id: filled}
    assert merged.changed_legs == {known.leg_id: known}
    assert merged.orders == {}


def test_what_several_legs_take_from_one_offer_adds_up() -> None:
    merged = Changes.of(
        [
            Change(order=order("o-1"), taken=(("a", Decimal(10)),)),
            Change(order=order("o-2"), taken=(("a", Decimal("2.5")), ("b", Decimal(1)))),
        ]
    )

    assert merged.taken == {"a": Decimal("12.5"), "b": Decimal(1)}


def test_a_mandate_in_one_market_uses_the_traders_dollars_but_not_its_tonnes_in_another() -> None:
    both = trader("t-both", markets=("cobalt", "lithium"), capacity="100", exposure_limit="10000")
    rosters = Rosters((both,), {}, {})
    before = rosters.of_market("cobalt")
    after = before.committing([("t-both", Decimal(40), Decimal(4000))])

    settled = rosters.settled("cobalt", before, after)

    lithium = settled.of_market("lithium")
    assert lithium.exposure("t-both").open_value == Decimal(4000)
    assert lithium.exposure("t-both").open_quantity == Decimal(0)
    assert lithium.room(both, Decimal(100)) == Decimal(60)
    assert settled.of_market("cobalt").exposure("t-both").open_quantity == Decimal(40)
