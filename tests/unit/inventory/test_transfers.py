from decimal import Decimal

from services.inventory.domain import (
    LotBalance,
    MovementKind,
    Transfer,
    TransferRefused,
    apply_all,
    by_mineral,
    plan_transfer,
)
from tests.unit.inventory.builders import LEASED, OWNED, PARTNER, WAREHOUSES, at, booked, make_fill


def _transfer(holding: LotBalance, to: str, quantity: str) -> Transfer | TransferRefused:
    return plan_transfer(holding, to, Decimal(quantity), WAREHOUSES, transfer_id="tr-1", at=at(5))


def test_transferring_a_whole_lot_moves_custody_and_keeps_the_owner() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))
    before = apply_all({}, [receipt.movement])

    transfer = _transfer(LotBalance(receipt.lot, Decimal(10)), OWNED.warehouse_id, "10")

    assert isinstance(transfer, Transfer)
    assert not transfer.split
    assert transfer.lot.lot_id == receipt.lot.lot_id
    assert transfer.lot.warehouse_id == OWNED.warehouse_id
    assert transfer.lot.owner == receipt.lot.owner
    assert apply_all(before, transfer.movements) == {transfer.lot.key: Decimal(10)}


def test_transferring_part_of_a_lot_splits_off_a_child_lot_with_lineage() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))
    before = apply_all({}, [receipt.movement])

    transfer = _transfer(LotBalance(receipt.lot, Decimal(10)), LEASED.warehouse_id, "4")

    assert isinstance(transfer, Transfer)
    assert transfer.split
    child = transfer.lot
    assert child.lot_id != receipt.lot.lot_id
    assert child.split_from == receipt.lot.lot_id
    assert child.warehouse_id == LEASED.warehouse_id
    assert (child.owner, child.fill_id, child.received_at) == (
        receipt.lot.owner,
        receipt.lot.fill_id,
        receipt.lot.received_at,
    )
    assert apply_all(before, transfer.movements) == {
        receipt.lot.key: Decimal(6),
        child.key: Decimal(4),
    }


def test_a_transfer_is_two_transfer_movements_that_net_to_zero() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))

    transfer = _transfer(LotBalance(receipt.lot, Decimal(10)), LEASED.warehouse_id, "3")

    assert isinstance(transfer, Transfer)
    out, into = transfer.movements
    assert {out.kind, into.kind} == {MovementKind.TRANSFER}
    assert out.quantity + into.quantity == 0
    assert out.warehouse_id == PARTNER.warehouse_id
    assert into.warehouse_id == LEASED.warehouse_id


def test_a_transfer_leaves_the_total_of_the_mineral_unchanged() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))
    before = apply_all({}, [receipt.movement])

    transfer = _transfer(LotBalance(receipt.lot, Decimal(10)), LEASED.warehouse_id, "2.5")

    assert isinstance(transfer, Transfer)
    assert by_mineral(apply_all(before, transfer.movements)) == by_mineral(before)


def test_a_transfer_of_more_than_the_lot_holds_is_refused_stating_both() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))

    refused = _transfer(LotBalance(receipt.lot, Decimal(10)), LEASED.warehouse_id, "11")

    assert isinstance(refused, TransferRefused)
    assert "holds 10" in refused.reason
    assert "requested 11" in refused.reason


def test_a_transfer_to_an_unknown_warehouse_is_refused() -> None:
    receipt = booked(make_fill())

    refused = _transfer(LotBalance(receipt.lot, Decimal(10)), "wh-nowhere", "1")

    assert isinstance(refused, TransferRefused)
    assert "wh-nowhere" in refused.reason


def test_a_transfer_into_the_warehouse_already_holding_the_lot_is_refused() -> None:
    receipt = booked(make_fill())

    refused = _transfer(LotBalance(receipt.lot, Decimal(10)), PARTNER.warehouse_id, "1")

    assert isinstance(refused, TransferRefused)


def test_a_transfer_of_nothing_is_refused() -> None:
    receipt = booked(make_fill())

    refused = _transfer(LotBalance(receipt.lot, Decimal(10)), LEASED.warehouse_id, "0")

    assert isinstance(refused, TransferRefused)


def test_a_split_leaves_the_source_holding_the_rest_and_the_child_what_moved() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))

    transfer = _transfer(LotBalance(receipt.lot, Decimal(10)), LEASED.warehouse_id, "4")

    assert isinstance(transfer, Transfer)
    out, into = transfer.postings
    assert (out.lot, out.balance) == (receipt.lot, Decimal(6))
    assert (into.lot, into.balance) == (transfer.lot, Decimal(4))


def test_a_whole_lot_move_leaves_nothing_behind_and_everything_with_the_new_custodian() -> None:
    receipt = booked(make_fill(quantity=Decimal(10)))

    transfer = _transfer(LotBalance(receipt.lot, Decimal(10)), OWNED.warehouse_id, "10")

    assert isinstance(transfer, Transfer)
    out, into = transfer.postings
    assert (out.movement.warehouse_id, out.balance) == (PARTNER.warehouse_id, Decimal(0))
    assert (into.lot.warehouse_id, into.balance) == (OWNED.warehouse_id, Decimal(10))
