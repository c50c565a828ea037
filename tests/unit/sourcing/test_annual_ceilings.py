"""Annual ceilings: sourcing routes a decision only if its own tally admits it.

The tally is sourcing's (its legs and fills); the rule is the one shared with treasury
(``shared.treasury_rules.Tally.admits``). Whatever placements, fills and closings come,
spend + open commitments never exceed the ceiling.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.sourcing.domain import (
    LegState,
    OrderStatus,
    Situation,
    Trigger,
    learn_closing,
    place_open,
)
from shared.treasury_rules import Tally

from .builders import NOW, offer, offer_only, trader
from .states import closing, leg, order, routed, situation


def _priced(tally: Tally | None, *offers_: str) -> Situation:
    market = situation([offer(o, quantity="1000", price="100") for o in offers_ or ("home",)])
    return market if tally is None else replace(market, tallies={"cobalt": tally})


def test_an_order_that_fits_under_the_ceiling_is_routed() -> None:
    placed = place_open(
        order(quantity="100"),
        _priced(Tally(Decimal(20_000), spent=Decimal(5_000), committed=Decimal(5_000))),
        Trigger.REQUESTED,
    )
    assert [(x.offer_id, x.quantity) for x in placed.change.opened] == [("home", Decimal(100))]
    assert placed.change.order.status is OrderStatus.ROUTED
    assert placed.situation is not None
    assert placed.situation.tallies["cobalt"].committed == Decimal(15_000)


def test_an_order_that_would_exceed_the_ceiling_waits_whole_with_the_reason() -> None:
    placed = place_open(
        order(quantity="100"),
        _priced(Tally(Decimal(5_000_000), spent=Decimal(4_900_000), committed=Decimal(95_000))),
        Trigger.REQUESTED,
    )
    change = placed.change
    assert change.opened == ()
    assert change.decisions == ()
    assert change.order.status is OrderStatus.WAITING
    assert change.order.open_quantity == Decimal(100)
    assert change.order.open_reason == (
        "annual_ceiling: cobalt 2026 ceiling 5,000,000 USD: spent 4,900,000 + committed "
        "95,000, this placement 10,000 (5,000 left)"
    )
    assert [type(e).__name__ for e in change.events] == ["OrderChanged"]
    # Said once: a retry that still does not fit changes nothing.
    again = place_open(
        change.order,
        _priced(Tally(Decimal(5_000_000), Decimal(4_900_000), Decimal(95_000))),
        Trigger.OFFERS_ARRIVED,
    )
    assert again.change.is_empty


def test_no_ceiling_no_limit() -> None:
    placed = place_open(order(quantity="100"), _priced(None), Trigger.REQUESTED)
    assert [x.quantity for x in placed.change.opened] == [Decimal(100)]


def test_the_second_order_of_a_batch_sees_what_the_first_committed() -> None:
    market = _priced(Tally(Decimal(15_000)))
    first = place_open(order("o-1", quantity="100"), market, Trigger.REQUESTED)
    assert first.situation is not None
    second = place_open(order("o-2", quantity="100"), first.situation, Trigger.REQUESTED)
    assert len(first.change.opened) == 1
    assert second.change.opened == ()
    assert second.change.order.open_reason.startswith("annual_ceiling: ")


def test_a_cascade_that_would_exceed_the_ceiling_leaves_what_was_undone_waiting() -> None:
    open_leg = leg(quantity="100", filled="20")
    market = situation(
        [offer("home"), offer("ally", origin="CA", trader_id="trader-b")],
        open_quantity={("trader-a", "cobalt"): "80"},
        open_value={"trader-a": "8000"},
    )
    # The closing leg commits nothing more (the handler reads the tally without it).
    tight = replace(market, tallies={"cobalt": Tally(Decimal(9_000), spent=Decimal(2_000))})
    placed = learn_closing(
        routed(open_leg, filled="20"), open_leg, closing(open_leg), situation=tight, now=NOW
    )
    change = placed.change
    assert change.opened == ()
    assert [x.status for x in change.updated] == ["declined"]
    assert change.order.open_quantity == Decimal(80)
    assert change.order.on_legs == 0
    assert change.order.status is OrderStatus.WAITING
    assert change.order.open_reason.startswith("annual_ceiling: cobalt 2026 ceiling 9,000 USD")


def _tally(ceiling: Decimal, legs: dict[str, LegState], spent: Decimal) -> Tally:
    """What ``repository/ceilings.tallies`` reads: open legs' unfilled part at their price."""
    committed = sum((x.remainder * x.unit_price for x in legs.values() if x.is_open), Decimal(0))
    return Tally(ceiling, spent=spent, committed=committed)


step = st.one_of(
    st.tuples(st.just("place"), st.integers(1, 400), st.sampled_from([None, "90", "150"])),
    st.tuples(st.just("fill"), st.integers(0, 50), st.sampled_from(["0.5", "0.9", "1"])),
    st.tuples(st.just("close"), st.integers(0, 50), st.just(None)),
)


@settings(max_examples=150, deadline=None)
@given(ceiling=st.integers(1_000, 200_000), steps=st.lists(step, max_size=25))
def test_spend_and_open_commitments_never_exceed_the_ceiling(
    ceiling: int, steps: list[tuple[str, int, str | None]]
) -> None:
    limit = Decimal(ceiling)
    market = situation(
        [offer("home", quantity="150", price="100"), offer("ally", origin="CA", price="80")],
        traders=[
            offer_only("trader-a"),
            trader("spec-1", capacity="100000", exposure_limit="100000000"),
        ],
    )
    legs: dict[str, LegState] = {}
    spent = Decimal(0)
    for number, (action, amount, detail) in enumerate(steps):
        open_legs = [x for x in legs.values() if x.is_open]
        if action == "place":
            tally = _tally(limit, legs, spent)
            placed = place_open(
                order(f"o-{number}", quantity=str(amount), limit_price=detail),
                replace(market, tallies={"cobalt": tally}),
                Trigger.REQUESTED,
            )
            legs.update({x.leg_id: x for x in placed.change.opened})
        elif action == "fill" and open_legs:
            # The gateway fills at most what is left, at most at the leg's price.
            target = open_legs[amount % len(open_legs)]
            quantity = target.remainder
            price = target.unit_price * Decimal(detail or "1")
            spent += quantity * price
            legs[target.leg_id] = replace(target, filled=target.quantity, status="filled")
        elif action == "close" and open_legs:
            target = open_legs[amount % len(open_legs)]
            legs[target.leg_id] = replace(target, status="declined")
        after = _tally(limit, legs, spent)
        assert after.spent + after.committed <= limit
