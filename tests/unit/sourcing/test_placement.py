"""An order's open quantity placed, a failed leg cascaded, an order expired: as transitions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from services.sourcing.domain import (
    Change,
    DecisionEntry,
    LegOpened,
    OrderChanged,
    OrderStatus,
    Trigger,
    cascade_leg,
    expire,
    expire_overdue,
    place_open,
)
from shared.contracts import Phase

from .builders import DELIVER_BY, NOW, offer
from .states import LEG_TTL, leg, order, routed, situation


def _kinds(change: Change) -> list[str]:
    return [type(event).__name__ for event in change.events]


def test_a_new_order_is_placed_on_legs_and_says_so_in_order() -> None:
    placed = place_open(
        order(),
        situation([offer("near", quantity="60", price="90"), offer("far", quantity="100")]),
        Trigger.REQUESTED,
    )

    change = placed.change
    after = change.order
    assert (after.status, after.open_quantity, after.on_legs) == (
        OrderStatus.ROUTED,
        Decimal(0),
        Decimal(100),
    )
    assert (after.open_reason, after.next_sequence) == ("", 3)
    assert [(x.leg_id, x.offer_id, x.quantity) for x in change.opened] == [
        ("o-1.leg-1", "near", Decimal(60)),
        ("o-1.leg-2", "far", Decimal(40)),
    ]
    assert all(x.deadline == NOW + LEG_TTL and x.status == "open" for x in change.opened)
    assert change.taken == (("near", Decimal(60)), ("far", Decimal(40)))
    (entry,) = change.decisions
    assert isinstance(entry, DecisionEntry)
    assert (entry.trigger, entry.record["placed"]) == (Trigger.REQUESTED, "100")
    assert after.explanation["legs"] == entry.record["legs"]
    assert _kinds(change) == ["LegOpened", "LegOpened", "OrderChanged"]
    assert all(event.order == after for event in change.events)


def test_requests_placed_in_turn_draw_the_book_down_as_if_it_were_read_again() -> None:
    first = place_open(
        order("o-1", quantity="60"), situation([offer("only", quantity="60")]), Trigger.REQUESTED
    )
    assert first.situation is not None

    second = place_open(order("o-2", quantity="60"), first.situation, Trigger.REQUESTED)

    assert [x.quantity for x in first.change.opened] == [Decimal(60)]
    assert second.change.opened == ()
    # The used-up offer is gone from the book, as a fresh read leaves it out.
    (entry,) = second.change.decisions
    assert entry.record["considered"] == []
    assert second.change.order.status is OrderStatus.WAITING
    assert second.change.order.open_reason.startswith("no offer covers 60 t")


def test_a_replenishment_order_goes_down_the_waterfall_in_initial_fill() -> None:
    placed = place_open(
        order(kind="replenishment"),
        situation(
            [offer("cheap-cn", origin="CN", price="50"), offer("us", price="100")],
            phase=Phase.INITIAL_FILL,
        ),
        Trigger.REQUESTED,
    )

    assert [x.offer_id for x in placed.change.opened] == ["us"]
    assert placed.change.decisions[0].phase == "replenishment"


def test_a_request_past_its_delivery_day_expires_without_a_decision() -> None:
    late = situation([offer("any")], now=NOW + timedelta(days=400))

    placed = place_open(order(), late, Trigger.REQUESTED)

    change = placed.change
    assert change.decisions == ()
    assert change.opened == ()
    assert change.order.status is OrderStatus.EXPIRED
    assert change.order.open_reason == (
        f"deliver_by {DELIVER_BY.isoformat()} passed with 100 t not placed"
    )
    assert _kinds(change) == ["OrderChanged"]


def test_a_retry_that_places_nothing_restates_only_a_reason_that_moved_on() -> None:
    waiting = order(open_reason="no offer covers 100 t; no specialist registered for market x")

    moved = place_open(waiting, situation(), Trigger.OFFERS_ARRIVED).change
    again = place_open(moved.order, situation(), Trigger.OFFERS_ARRIVED).change

    assert moved.decisions == ()
    assert moved.order.open_reason.endswith("no limit price to bound a specialist's exposure")
    assert _kinds(moved) == ["OrderChanged"]
    assert again.is_empty


def test_an_order_with_nothing_open_is_left_alone() -> None:
    on_legs = routed(leg())

    assert place_open(on_legs, situation([offer("x")]), Trigger.OFFERS_ARRIVED).change.is_empty


def test_a_failed_leg_is_closed_and_its_rest_cascades_releasing_its_trader() -> None:
    failed = leg(quantity="100", filled="30")
    before = routed(failed, filled="30")
    where = situation(
        [offer("home", quantity="100"), offer("ally", origin="CA", trader_id="trader-b")],
        open_quantity={("trader-a", "cobalt"): "70"},
        open_value={"trader-a": "7000"},
    )

    placed = cascade_leg(
        before,
        failed,
        status="declined",
        reason="declined: cannot ship",
        trigger=Trigger.LEG_DECLINED,
        situation=where,
        now=NOW,
    )

    change = placed.change
    (closed,) = change.updated
    assert (closed.leg_id, closed.status, closed.closed_reason, closed.closed_at) == (
        failed.leg_id,
        "declined",
        "declined: cannot ship",
        NOW,
    )
    (cascaded,) = change.opened
    assert (cascaded.offer_id, cascaded.quantity, cascaded.cascaded_from) == (
        "ally",
        Decimal(70),
        failed.leg_id,
    )
    after = change.order
    assert (after.status, after.filled, after.on_legs, after.open_quantity) == (
        OrderStatus.PARTLY_FILLED,
        Decimal(30),
        Decimal(70),
        Decimal(0),
    )
    assert after.excluded_offers == {"home"}
    assert change.decisions[0].trigger is Trigger.LEG_DECLINED
    assert placed.situation is not None
    exposure = placed.situation.rosters.of_market("cobalt").exposure("trader-a")
    assert (exposure.open_quantity, exposure.open_value) == (Decimal(0), Decimal(0))


def test_past_delivery_a_failed_legs_rest_stays_open_and_the_order_expires() -> None:
    failed = leg(quantity="100", filled="30")
    late = NOW.replace(year=NOW.year + 1)

    placed = cascade_leg(
        routed(failed, filled="30"),
        failed,
        status="expired",
        reason="expired with 30 of 100 filled",
        trigger=Trigger.LEG_EXPIRED,
        situation=None,
        now=late,
    )

    change = placed.change
    assert [x.status for x in change.updated] == ["expired"]
    assert change.opened == ()
    assert change.decisions == ()
    after = change.order
    assert (after.status, after.open_quantity, after.on_legs) == (
        OrderStatus.EXPIRED,
        Decimal(70),
        Decimal(0),
    )
    assert after.open_reason.endswith("passed with 70 t not placed")
    assert _kinds(change) == ["OrderChanged"]


def test_an_expiry_already_said_is_not_said_again() -> None:
    said = expire(order(deliver_by=NOW.date() - timedelta(days=1))).order

    assert expire(said).is_empty
    assert expire_overdue(said).is_empty
    assert expire_overdue(
        replace(said, status=OrderStatus.WAITING, open_quantity=Decimal(0))
    ).is_empty


def test_placed_events_carry_the_order_as_the_decision_left_it() -> None:
    change = place_open(order(), situation([offer("x")]), Trigger.REQUESTED).change

    opened = [e for e in change.events if isinstance(e, LegOpened)]
    (said,) = [e for e in change.events if isinstance(e, OrderChanged)]
    assert [e.leg for e in opened] == list(change.opened)
    assert said.order.status is OrderStatus.ROUTED
