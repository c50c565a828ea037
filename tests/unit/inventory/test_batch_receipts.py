"""A batch of fills decided at once: the same answers as one at a time, each fill booked once."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.inventory.domain import (
    AlreadyBooked,
    Booking,
    Fill,
    HeldForOps,
    Receipt,
    book_receipt,
    book_receipts,
    lot_id_for,
)
from tests.unit.inventory.builders import WAREHOUSES, at, make_fill


def test_a_batch_books_each_new_fill_and_a_copy_within_it_is_already_booked() -> None:
    first, other = make_fill("fill-1"), make_fill("fill-2", owner="maker-b")

    decisions = book_receipts([first, other, first], WAREHOUSES, booked_fill_ids=set())

    assert [type(d) for d in decisions] == [Receipt, Receipt, AlreadyBooked]
    assert decisions[2] == AlreadyBooked("fill-1")


def test_a_fill_booked_before_the_batch_is_already_booked_in_it() -> None:
    decisions = book_receipts([make_fill("fill-1")], WAREHOUSES, booked_fill_ids={"fill-1"})

    assert decisions == [AlreadyBooked("fill-1")]


def test_a_fill_whose_lot_id_another_lot_has_is_held_not_booked() -> None:
    # "lot:fill-1/t-9" is what a transfer t-9 calls the part of lot:fill-1 it splits off.
    clashing = make_fill("fill-1/t-9")

    [decision] = book_receipts(
        [clashing], WAREHOUSES, booked_fill_ids=set(), taken_lot_ids={"lot:fill-1/t-9"}
    )

    assert isinstance(decision, HeldForOps)
    assert "'lot:fill-1/t-9', which is another lot's id already" in decision.reason


def test_a_receipt_leaves_its_new_lot_holding_the_whole_fill() -> None:
    receipt = book_receipt(make_fill(quantity=Decimal("12.5")), WAREHOUSES, set())

    assert isinstance(receipt, Receipt)
    posting = receipt.posting
    assert (posting.movement, posting.lot, posting.balance) == (
        receipt.movement,
        receipt.lot,
        Decimal("12.5"),
    )


fills = st.builds(
    lambda n, owner, warehouse, quantity, hour: make_fill(
        f"fill-{n}", owner=owner, warehouse_id=warehouse, quantity=quantity, filled_at=at(hour)
    ),
    n=st.integers(min_value=0, max_value=6),
    owner=st.sampled_from(["maker-a", "maker-b"]),
    warehouse=st.sampled_from([*WAREHOUSES, "wh-unknown"]),
    quantity=st.decimals(min_value=Decimal("-1"), max_value=Decimal(30), places=3),
    hour=st.integers(min_value=0, max_value=48),
)


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(fills, max_size=12), before=st.sets(st.sampled_from(["fill-0", "fill-1"])))
def test_a_batch_decides_as_its_fills_would_one_at_a_time(
    batch: list[Fill], before: set[str]
) -> None:
    decisions = book_receipts(batch, WAREHOUSES, before)

    booked = set(before)
    one_at_a_time: list[Booking] = []
    for fill in batch:
        decision = book_receipt(fill, WAREHOUSES, booked)
        if isinstance(decision, Receipt):
            booked.add(fill.fill_id)
        one_at_a_time.append(decision)
    assert decisions == one_at_a_time
    receipts = [d for d in decisions if isinstance(d, Receipt)]
    assert len({r.lot.lot_id for r in receipts}) == len(receipts)
    assert all(r.lot.lot_id == lot_id_for(r.movement.fill_id or "") for r in receipts)
    assert not {r.movement.fill_id for r in receipts} & before
