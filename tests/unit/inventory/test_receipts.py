from decimal import Decimal

import pytest

from services.inventory.domain import (
    AlreadyBooked,
    HeldForOps,
    InvalidValue,
    MovementKind,
    Receipt,
    apply,
    book_receipt,
)
from shared.contracts import NaiveDatetime, Unit
from tests.unit.inventory.builders import PARTNER, WAREHOUSES, booked, make_fill


def test_a_fill_into_a_known_warehouse_creates_a_lot_and_its_balance() -> None:
    fill = make_fill(quantity=Decimal("12.5"))

    receipt = booked(fill)

    assert receipt.movement.kind is MovementKind.RECEIPT
    assert receipt.movement.quantity == Decimal("12.5")
    assert receipt.movement.fill_id == fill.fill_id
    assert receipt.warehouse == PARTNER
    assert apply({}, receipt.movement) == {receipt.lot.key: Decimal("12.5")}


def test_the_new_lot_carries_the_chain_of_custody_of_its_fill() -> None:
    fill = make_fill()

    lot = booked(fill).lot

    assert (lot.mineral, lot.unit, lot.origin_country, lot.tier) == (
        fill.mineral,
        fill.unit,
        fill.origin_country,
        fill.tier,
    )
    assert (lot.trader_id, lot.fill_id, lot.order_id, lot.lot_reference) == (
        fill.trader_id,
        fill.fill_id,
        fill.order_id,
        fill.lot_reference,
    )
    assert (lot.phase, lot.policy_version) == (fill.phase, fill.policy_version)
    assert (lot.owner, lot.warehouse_id, lot.received_at) == (
        fill.owner,
        fill.warehouse_id,
        fill.filled_at,
    )
    assert lot.split_from is None


def test_a_fill_already_booked_is_not_booked_again() -> None:
    fill = make_fill("fill-7")

    decision = book_receipt(fill, WAREHOUSES, existing_fill_ids={"fill-7"})

    assert decision == AlreadyBooked("fill-7")


def test_booking_the_same_fill_twice_names_the_same_lot_and_movement() -> None:
    first, second = booked(make_fill("fill-9")), booked(make_fill("fill-9"))

    assert first.lot.lot_id == second.lot.lot_id
    assert first.movement.movement_id == second.movement.movement_id


def test_a_fill_naming_an_unknown_warehouse_is_held_for_ops_with_the_reason() -> None:
    fill = make_fill(warehouse_id="wh-nobody-knows")

    decision = book_receipt(fill, WAREHOUSES, existing_fill_ids=set())

    assert isinstance(decision, HeldForOps)
    assert decision.fill == fill
    assert "wh-nobody-knows" in decision.reason
    assert "not a known warehouse" in decision.reason


@pytest.mark.parametrize("quantity", [Decimal(0), Decimal("-1")])
def test_a_fill_without_a_positive_quantity_is_held_for_ops(quantity: Decimal) -> None:
    decision = book_receipt(make_fill(quantity=quantity), WAREHOUSES, existing_fill_ids=set())

    assert isinstance(decision, HeldForOps)
    assert "positive" in decision.reason


def test_a_fill_with_several_problems_is_held_with_all_of_them() -> None:
    fill = make_fill(quantity=Decimal(0), warehouse_id="wh-x")

    decision = book_receipt(fill, WAREHOUSES, existing_fill_ids=set())

    assert isinstance(decision, HeldForOps)
    assert "wh-x" in decision.reason
    assert "positive" in decision.reason


def test_a_fill_quantity_given_as_a_float_is_rejected() -> None:
    with pytest.raises(InvalidValue):
        make_fill(quantity=10.0)  # type: ignore[arg-type]


def test_a_fill_time_without_a_time_zone_is_rejected() -> None:
    with pytest.raises(NaiveDatetime):
        make_fill(filled_at=make_fill().filled_at.replace(tzinfo=None))


def test_a_new_fill_is_booked_whatever_other_fills_were_booked_before() -> None:
    decision = book_receipt(make_fill(), WAREHOUSES, existing_fill_ids=frozenset({"other"}))

    assert isinstance(decision, Receipt)


def test_a_fill_of_a_mineral_outside_the_catalogue_is_held_for_ops() -> None:
    fill = make_fill(mineral="unobtainium")

    decision = book_receipt(fill, WAREHOUSES, set(), mineral_units={"cobalt": Unit.TONNE})

    assert isinstance(decision, HeldForOps)
    assert "'unobtainium', which is not in the catalogue" in decision.reason


def test_a_fill_in_another_unit_than_its_minerals_is_held_for_ops() -> None:
    fill = make_fill()

    decision = book_receipt(fill, WAREHOUSES, set(), mineral_units={"cobalt": Unit.KILOGRAM})

    assert isinstance(decision, HeldForOps)
    assert "is in t but cobalt is counted in kg" in decision.reason


def test_a_fill_in_its_minerals_catalogue_unit_is_booked() -> None:
    decision = book_receipt(make_fill(), WAREHOUSES, set(), mineral_units={"cobalt": Unit.TONNE})

    assert isinstance(decision, Receipt)
