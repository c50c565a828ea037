from dataclasses import replace
from decimal import Decimal

from services.inventory.domain import (
    DiscrepancyKind,
    Transfer,
    check,
    plan_transfer,
    rebuild,
)
from tests.unit.inventory.builders import LEASED, WAREHOUSES, at, booked, held_lot, make_fill

RECEIPT = booked(make_fill("f-1", quantity=Decimal(10)))


def _transfer() -> Transfer:
    transfer = plan_transfer(
        held_lot(make_fill("f-1", quantity=Decimal(10))),
        LEASED.warehouse_id,
        Decimal(4),
        WAREHOUSES,
        transfer_id="t-1",
        at=at(1),
    )
    assert isinstance(transfer, Transfer)
    return transfer


def test_live_balances_that_agree_with_the_ledger_have_no_discrepancies() -> None:
    movements = [RECEIPT.movement, *_transfer().movements]

    assert check(rebuild(movements), movements) == []


def test_a_live_balance_that_differs_from_the_ledger_is_reported_with_both_values() -> None:
    live = {RECEIPT.lot.key: Decimal("9.5")}

    [discrepancy] = check(live, [RECEIPT.movement])

    assert discrepancy.kind is DiscrepancyKind.BALANCE_MISMATCH
    assert (discrepancy.key, discrepancy.live, discrepancy.rebuilt) == (
        RECEIPT.lot.key,
        Decimal("9.5"),
        Decimal(10),
    )


def test_a_live_balance_missing_from_the_ledger_is_reported() -> None:
    [discrepancy] = check({RECEIPT.lot.key: Decimal(1)}, [])

    assert discrepancy.kind is DiscrepancyKind.BALANCE_MISMATCH
    assert discrepancy.rebuilt == 0


def test_a_fill_booked_twice_is_reported() -> None:
    again = replace(RECEIPT.movement, movement_id="receipt:f-1:again")
    movements = [RECEIPT.movement, again]

    kinds = [d.kind for d in check(rebuild(movements), movements)]

    assert kinds == [DiscrepancyKind.DUPLICATE_RECEIPT]


def test_a_movement_recorded_twice_is_reported() -> None:
    movements = [RECEIPT.movement, RECEIPT.movement]

    kinds = {d.kind for d in check(rebuild(movements), movements)}

    assert DiscrepancyKind.DUPLICATE_MOVEMENT in kinds


def test_a_transfer_missing_its_inbound_leg_is_reported() -> None:
    out, _ = _transfer().movements
    movements = [RECEIPT.movement, out]

    kinds = [d.kind for d in check(rebuild(movements), movements)]

    assert kinds == [DiscrepancyKind.UNBALANCED_TRANSFER]


def test_a_transfer_that_changes_the_owner_is_reported() -> None:
    out, into = _transfer().movements
    stolen = replace(into, key=replace(into.key, owner="maker-z"))
    movements = [RECEIPT.movement, out, stolen]

    kinds = [d.kind for d in check(rebuild(movements), movements)]

    assert kinds == [DiscrepancyKind.UNBALANCED_TRANSFER]


def test_a_ledger_that_takes_a_balance_below_zero_is_reported() -> None:
    out, into = _transfer().movements

    kinds = [d.kind for d in check({into.key: Decimal(4)}, [out, into])]

    assert DiscrepancyKind.NEGATIVE_BALANCE in kinds
