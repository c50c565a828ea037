"""Sourcing learns a leg's facts from their owner, the gateway: fills counted, closings cascaded.

Nothing the gateway confirmed is refused: a fill is always recorded and passed on to
inventory; what cannot be applied as it stands is counted as far as the leg and the
order allow, and noted as an anomaly for ops.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.sourcing.domain import (
    Change,
    FillAccepted,
    KnownFill,
    LegOpened,
    OrderStatus,
    Situation,
    ask_back,
    cascades,
    learn_closing,
    learn_fill,
)
from shared.contracts import Tier

from .builders import DELIVER_BY, NOW, offer, policy
from .states import closing, fill, leg, routed, situation

POLICY = policy()


def _kinds(change: Change) -> list[str]:
    return [type(event).__name__ for event in change.events]


def _anomalies(change: Change) -> list[str]:
    return [a.kind for a in change.anomalies]


def test_a_fill_is_counted_on_its_leg_and_moves_the_order() -> None:
    open_leg = leg(quantity="100")

    change = learn_fill(
        routed(open_leg),
        open_leg,
        fill("f-1", open_leg, quantity="30"),
        known=None,
        policy=POLICY,
        now=NOW,
    )

    (counted,) = change.updated
    assert (counted.filled, counted.status, counted.closed_at) == (Decimal(30), "open", None)
    assert (change.order.status, change.order.filled, change.order.on_legs) == (
        OrderStatus.PARTLY_FILLED,
        Decimal(30),
        Decimal(70),
    )
    (accepted,) = change.fills
    assert (accepted.tier, accepted.policy_version) == (Tier.DOMESTIC, "2026-03-01")
    assert _kinds(change) == ["FillAccepted", "OrderChanged"]
    assert change.anomalies == ()


def test_the_fill_that_completes_a_leg_closes_it_as_filled() -> None:
    open_leg = leg(quantity="100", filled="30")

    change = learn_fill(
        routed(open_leg, filled="30"),
        open_leg,
        fill("f-2", open_leg, quantity="70"),
        known=None,
        policy=POLICY,
        now=NOW,
    )

    (counted,) = change.updated
    assert (counted.filled, counted.status, counted.closed_at) == (Decimal(100), "filled", NOW)
    assert change.order.status is OrderStatus.FILLED


def test_a_resent_fill_changes_nothing_and_a_reused_fill_id_is_noted_not_refused() -> None:
    open_leg = leg()
    again = fill("f-1", open_leg, quantity="30")

    same = learn_fill(
        routed(open_leg),
        open_leg,
        again,
        known=KnownFill(open_leg.leg_id, Decimal("30.0")),
        policy=POLICY,
        now=NOW,
    )
    reused = learn_fill(
        routed(open_leg),
        open_leg,
        again,
        known=KnownFill(open_leg.leg_id, Decimal(20)),
        policy=POLICY,
        now=NOW,
    )

    assert same.is_empty
    assert (_anomalies(reused), reused.fills, reused.saved) == (["fill_id_reused"], (), False)


def test_a_fill_beyond_what_is_left_is_recorded_whole_counted_to_the_leg_and_noted() -> None:
    open_leg = leg(quantity="100", filled="60")

    change = learn_fill(
        routed(open_leg, filled="60"),
        open_leg,
        fill("f-3", open_leg, quantity="40.5"),
        known=None,
        policy=POLICY,
        now=NOW,
    )

    (accepted,) = change.fills
    assert accepted.fill.quantity.amount == Decimal("40.5")  # inventory books the title
    (counted,) = change.updated
    assert (counted.filled, counted.status) == (Decimal(100), "filled")
    assert change.order.filled == Decimal(100)
    assert _anomalies(change) == ["fill_beyond_leg", "fill_out_of_step"]


def test_a_fill_learnt_after_its_legs_closing_is_counted_and_takes_nothing_from_legs() -> None:
    closed = replace(leg(quantity="100"), status="declined")
    order = replace(
        routed(closed), on_legs=Decimal(20), open_quantity=Decimal(0), status=OrderStatus.ROUTED
    )

    change = learn_fill(
        order, closed, fill("f-4", closed, quantity="80"), known=None, policy=POLICY, now=NOW
    )

    (counted,) = change.updated
    assert (counted.filled, counted.status) == (Decimal(80), "declined")
    assert (change.order.filled, change.order.on_legs) == (Decimal(80), Decimal(20))
    assert change.order.status is OrderStatus.PARTLY_FILLED
    assert [type(e).__name__ for e in change.fills] == ["FillAccepted"]
    assert _anomalies(change) == ["fill_after_closing"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.decimals(min_value=Decimal("0.5"), max_value=Decimal(60), places=1), max_size=8))
def test_every_fill_is_passed_on_and_none_is_counted_beyond_its_leg(amounts: list[Decimal]) -> None:
    current_leg = leg(quantity="100")
    current = routed(current_leg)
    passed_on = 0
    for n, amount in enumerate(amounts):
        change = learn_fill(
            current,
            current_leg,
            fill(f"f-{n}", current_leg, quantity=str(amount)),
            known=None,
            policy=POLICY,
            now=NOW,
        )
        passed_on += sum(isinstance(e, FillAccepted) for e in change.events)
        current = change.order
        (current_leg,) = change.updated

    counted = min(sum(amounts, Decimal(0)), Decimal(100))
    assert passed_on == len(amounts)
    assert current_leg.filled == current.filled == counted
    assert current.filled + current.on_legs == Decimal(100)
    assert (current.status is OrderStatus.FILLED) == (counted == Decimal(100))


def _market(remainder: str) -> Situation:
    return situation(
        [offer("home"), offer("ally", origin="CA", trader_id="trader-b")],
        open_quantity={("trader-a", "cobalt"): remainder},
        open_value={"trader-a": str(Decimal(remainder) * 100)},
    )


def test_a_declined_leg_cascades_what_its_closing_leaves_undone_to_the_next_candidate() -> None:
    open_leg = leg(quantity="100", filled="20")

    placed = learn_closing(
        routed(open_leg, filled="20"),
        open_leg,
        closing(open_leg, "declined"),
        situation=_market("80"),
        now=NOW,
    )

    change = placed.change
    assert _kinds(change) == ["LegOpened", "OrderChanged"]
    assert [(x.status, x.closed_reason) for x in change.updated] == [
        ("declined", "declined: cannot ship")
    ]
    assert [(x.offer_id, x.quantity) for x in change.opened] == [("ally", Decimal(80))]
    assert change.decisions[0].trigger == "leg_declined"
    assert change.anomalies == ()


def test_a_closing_learnt_before_the_fills_it_follows_cascades_only_what_it_left_undone() -> None:
    open_leg = leg(quantity="100")

    placed = learn_closing(
        routed(open_leg),
        open_leg,
        closing(open_leg, "declined", filled="80"),
        situation=_market("100"),
        now=NOW,
    )

    change = placed.change
    assert [x.quantity for x in change.opened] == [Decimal(20)]
    # The 80 t the gateway counted are neither with a trader nor waiting: their fill comes.
    assert (change.order.on_legs, change.order.open_quantity) == (Decimal(20), Decimal(0))
    assert _anomalies(change) == ["closing_out_of_step"]


@pytest.mark.parametrize(
    ("filled", "reason"),
    [("0", "expired unfilled"), ("30", "expired with 30 of 100 filled")],
)
def test_an_expired_leg_is_closed_with_its_reason_and_its_rest_cascades(
    filled: str, reason: str
) -> None:
    overdue = leg(filled=filled, deadline=NOW - timedelta(seconds=1))

    change = learn_closing(
        routed(overdue, filled=filled),
        overdue,
        closing(overdue, "expired", detail="the deadline passed"),
        situation=_market(str(100 - int(filled))),
        now=NOW,
    ).change

    assert [(x.status, x.closed_reason) for x in change.updated] == [("expired", reason)]
    assert [x.quantity for x in change.opened] == [Decimal(100 - int(filled))]
    assert change.decisions[0].trigger == "leg_expired"
    assert not any(isinstance(e, FillAccepted) for e in change.events)


def test_a_cancelled_leg_does_not_cascade_and_a_past_due_order_expires() -> None:
    open_leg = leg(quantity="100", filled="10")
    order = routed(open_leg, filled="10", deliver_by=NOW.date() - timedelta(days=1))
    asked = closing(open_leg, "cancelled", detail="deliver_by passed")

    assert not cascades(order, open_leg, asked, NOW)
    change = learn_closing(order, open_leg, asked, situation=None, now=NOW).change

    assert change.opened == ()
    assert [x.status for x in change.updated] == ["cancelled"]
    assert (change.order.status, change.order.open_quantity, change.order.on_legs) == (
        OrderStatus.EXPIRED,
        Decimal(90),
        Decimal(0),
    )


def test_a_closing_said_again_changes_nothing_and_one_that_contradicts_is_noted() -> None:
    closed = replace(leg(), status="expired")

    again = learn_closing(
        routed(closed), closed, closing(closed, "expired"), situation=None, now=NOW
    )
    other = learn_closing(
        routed(closed), closed, closing(closed, "declined"), situation=None, now=NOW
    )

    assert again.change.is_empty
    assert (_anomalies(other.change), other.change.updated) == (["closing_of_closed_leg"], ())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=30), max_size=3),
    st.integers(min_value=0, max_value=3),
)
def test_whatever_order_fills_and_closing_are_learnt_in_nothing_is_placed_twice(
    pieces: list[int], closing_at: int
) -> None:
    """The gateway filled ``pieces`` then closed the leg; sourcing learns the closing after
    ``closing_at`` of the fills (out of order when fewer than all)."""
    open_leg = leg(quantity="100")
    gateway_filled = Decimal(sum(pieces))
    undone = Decimal(100) - gateway_filled
    order, current = routed(open_leg), open_leg
    placed_again = Decimal(0)
    position = min(closing_at, len(pieces))
    steps = [("fill", p) for p in pieces[:position]] + [("close", 0)]
    steps += [("fill", p) for p in pieces[position:]]
    total = Decimal(0)
    for n, (step, amount) in enumerate(steps):
        if step == "close":
            said = closing(current, "declined", filled=str(gateway_filled))
            change = learn_closing(
                order,
                current,
                said,
                situation=_market(str(current.remainder)),
                now=NOW,
            ).change
            placed_again += sum((x.quantity for x in change.opened), Decimal(0))
        else:
            total += amount
            change = learn_fill(
                order,
                current,
                fill(f"f-{n}", current, quantity=str(amount), leg_filled=str(total)),
                known=None,
                policy=POLICY,
                now=NOW,
            )
        order = change.order
        current = next((x for x in change.updated if x.leg_id == current.leg_id), current)

    assert current.filled == order.filled == gateway_filled
    assert placed_again == undone
    assert order.filled + order.on_legs + order.open_quantity == Decimal(100)


def test_an_order_past_delivery_asks_its_open_legs_back_once() -> None:
    open_leg = leg(quantity="100", filled="10")
    due = routed(open_leg, filled="10", deliver_by=NOW.date() - timedelta(days=1))

    change = ask_back(due, [open_leg], NOW)
    asked = change.updated[0]
    again = ask_back(due, [asked], NOW)
    on_time = ask_back(routed(open_leg, deliver_by=DELIVER_BY), [open_leg], NOW)

    assert _kinds(change) == ["CancelRequested"]
    assert asked.cancel_requested_at == NOW
    assert again.is_empty
    assert on_time.is_empty
    assert not any(isinstance(e, LegOpened) for e in change.events)
