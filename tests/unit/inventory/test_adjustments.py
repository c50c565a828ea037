from decimal import Decimal

import pytest

from services.inventory.domain import (
    AdjustmentRefused,
    InvalidMovement,
    LotBalance,
    Movement,
    MovementKind,
    Posting,
    apply,
    plan_adjustment,
)
from tests.unit.inventory.builders import at, held_lot, make_fill


@pytest.mark.parametrize(
    ("reason", "author", "missing"),
    [("", "ops-jo", "reason"), ("   ", "ops-jo", "reason"), ("reweighed", "", "author")],
)
def test_an_adjustment_without_a_reason_or_an_author_is_refused(
    reason: str, author: str, missing: str
) -> None:
    refused = plan_adjustment(
        held_lot(make_fill()),
        Decimal("-0.2"),
        reason=reason,
        author=author,
        adjustment_id="adj-1",
        at=at(1),
    )

    assert isinstance(refused, AdjustmentRefused)
    assert missing in refused.reason


def test_an_adjustment_movement_cannot_exist_without_reason_and_author() -> None:
    holding = held_lot(make_fill())

    with pytest.raises(InvalidMovement, match="author"):
        Movement(
            movement_id="adj-raw",
            kind=MovementKind.ADJUSTMENT,
            at=at(1),
            key=holding.lot.key,
            quantity=Decimal(1),
            unit=holding.lot.unit,
            reason="found on recount",
        )


def test_an_adjustment_changes_the_balance_by_its_signed_quantity() -> None:
    holding = held_lot(make_fill(quantity=Decimal(10)))

    adjusted = plan_adjustment(
        holding,
        Decimal("-0.25"),
        reason="weighbridge recalibrated",
        author="ops-jo",
        adjustment_id="adj-2",
        at=at(1),
    )

    assert isinstance(adjusted, Posting)
    movement = adjusted.movement
    assert (movement.reason, movement.author) == ("weighbridge recalibrated", "ops-jo")
    assert apply({holding.lot.key: Decimal(10)}, movement) == {holding.lot.key: Decimal("9.75")}
    assert adjusted.holding == LotBalance(holding.lot, Decimal("9.75"))


def test_an_adjustment_cannot_take_a_lot_below_zero() -> None:
    holding = held_lot(make_fill(quantity=Decimal(10)))

    refused = plan_adjustment(
        holding,
        Decimal("-10.01"),
        reason="loss",
        author="ops-jo",
        adjustment_id="adj-3",
        at=at(1),
    )

    assert isinstance(refused, AdjustmentRefused)
    assert "negative" in refused.reason


def test_an_adjustment_of_zero_is_refused() -> None:
    refused = plan_adjustment(
        held_lot(make_fill()),
        Decimal(0),
        reason="nothing",
        author="ops-jo",
        adjustment_id="adj-4",
        at=at(1),
    )

    assert isinstance(refused, AdjustmentRefused)
