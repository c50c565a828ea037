from decimal import Decimal

import pytest

from services.inventory.domain import (
    Balances,
    InvalidMovement,
    LotBalance,
    Movement,
    MovementKind,
    NegativeBalance,
    UnknownLot,
    apply,
    apply_all,
    by_mineral,
    by_owner,
    by_tier,
    by_warehouse,
    lot_balances,
    rebuild,
)
from shared.contracts import Tier
from tests.unit.inventory.builders import LEASED, PARTNER, at, booked, make_fill

COBALT_A = booked(make_fill("f-1", quantity=Decimal(10)))
COBALT_B = booked(
    make_fill(
        "f-2",
        quantity=Decimal(4),
        owner="maker-b",
        warehouse_id=LEASED.warehouse_id,
        origin_country="AU",
        tier=Tier.ALLIED,
    )
)
LITHIUM = booked(make_fill("f-3", quantity=Decimal(7), mineral="lithium"))


def _release(lot_key_of: Movement, quantity: str, release_id: str = "r-1") -> Movement:
    return Movement(
        movement_id=f"release:{release_id}",
        kind=MovementKind.RELEASE,
        at=at(3),
        key=lot_key_of.key,
        quantity=-Decimal(quantity),
        unit=lot_key_of.unit,
        release_id=release_id,
    )


def test_a_movement_that_would_drive_a_balance_negative_is_refused() -> None:
    live = apply({}, COBALT_A.movement)

    with pytest.raises(NegativeBalance) as refused:
        apply(live, _release(COBALT_A.movement, "10.001"))

    assert refused.value.held == Decimal(10)
    assert live == {COBALT_A.lot.key: Decimal(10)}


def test_applying_several_movements_is_all_or_nothing() -> None:
    live = apply({}, COBALT_A.movement)

    with pytest.raises(NegativeBalance):
        apply_all(live, [_release(COBALT_A.movement, "4"), _release(COBALT_B.movement, "1", "r-2")])

    assert live == {COBALT_A.lot.key: Decimal(10)}


def test_a_balance_drawn_to_zero_disappears() -> None:
    live = apply_all({}, [COBALT_A.movement, _release(COBALT_A.movement, "10")])

    assert live == {}


def test_balances_rebuilt_from_movements_equal_the_live_ones() -> None:
    movements = [COBALT_A.movement, COBALT_B.movement, _release(COBALT_A.movement, "3")]
    live: Balances = {}
    for movement in movements:
        live = apply(live, movement)

    assert rebuild(movements) == live


def test_totals_group_by_mineral_warehouse_tier_and_owner() -> None:
    live = rebuild([COBALT_A.movement, COBALT_B.movement, LITHIUM.movement])

    assert by_mineral(live) == {"cobalt": Decimal(14), "lithium": Decimal(7)}
    assert by_warehouse(live) == {
        ("cobalt", PARTNER.warehouse_id): Decimal(10),
        ("cobalt", LEASED.warehouse_id): Decimal(4),
        ("lithium", PARTNER.warehouse_id): Decimal(7),
    }
    assert by_tier(live) == {
        ("cobalt", Tier.DOMESTIC): Decimal(10),
        ("cobalt", Tier.ALLIED): Decimal(4),
        ("lithium", Tier.DOMESTIC): Decimal(7),
    }
    assert by_owner(live) == {
        ("cobalt", "maker-a"): Decimal(10),
        ("cobalt", "maker-b"): Decimal(4),
        ("lithium", "maker-a"): Decimal(7),
    }


def test_each_held_balance_is_paired_with_its_lot() -> None:
    live = rebuild([COBALT_A.movement, LITHIUM.movement])
    lots = {r.lot.lot_id: r.lot for r in (COBALT_A, LITHIUM)}

    assert sorted(lot_balances(lots, live), key=lambda held: held.lot.lot_id) == [
        LotBalance(COBALT_A.lot, Decimal(10)),
        LotBalance(LITHIUM.lot, Decimal(7)),
    ]


def test_a_balance_without_a_matching_lot_record_is_an_error() -> None:
    live = rebuild([COBALT_A.movement])

    with pytest.raises(UnknownLot):
        lot_balances({}, live)


@pytest.mark.parametrize(
    ("kind", "quantity", "problem"),
    [
        (MovementKind.RECEIPT, "-1", "positive"),
        (MovementKind.RELEASE, "1", "negative"),
        (MovementKind.TRANSFER, "0", "zero"),
    ],
)
def test_a_movement_whose_sign_contradicts_its_kind_cannot_be_built(
    kind: MovementKind, quantity: str, problem: str
) -> None:
    with pytest.raises(InvalidMovement, match=problem):
        Movement(
            movement_id="m",
            kind=kind,
            at=at(0),
            key=COBALT_A.lot.key,
            quantity=Decimal(quantity),
            unit=COBALT_A.lot.unit,
            fill_id="f",
            release_id="r",
            transfer_id="t",
        )
