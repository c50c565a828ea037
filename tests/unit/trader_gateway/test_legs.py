from datetime import datetime
from decimal import Decimal

import pytest

from services.trader_gateway.domain import LegStatus

from .builders import a_leg


def test_remaining_is_quantity_less_what_was_filled() -> None:
    leg = a_leg(filled_quantity=Decimal("37.5"), status=LegStatus.PARTIALLY_FILLED)
    assert leg.remaining == Decimal("62.5")


@pytest.mark.parametrize("status", [LegStatus.OPEN, LegStatus.PARTIALLY_FILLED])
def test_open_and_partially_filled_legs_are_open(status: LegStatus) -> None:
    filled = Decimal("1") if status is LegStatus.PARTIALLY_FILLED else Decimal("0")
    assert a_leg(status=status, filled_quantity=filled).is_open


@pytest.mark.parametrize("status", [LegStatus.DECLINED, LegStatus.EXPIRED, LegStatus.CANCELLED])
def test_closed_legs_are_not_open(status: LegStatus) -> None:
    assert not a_leg(status=status).is_open


def test_a_fully_filled_leg_is_not_open() -> None:
    assert not a_leg(filled_quantity=Decimal("100"), status=LegStatus.FILLED).is_open


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"filled_quantity": Decimal("101")}, "exceeds"),
        ({"quantity": Decimal("0")}, "greater than zero"),
        ({"quantity": Decimal("NaN")}, "finite"),
        ({"quantity": Decimal("1.0000001")}, "decimal places"),
        ({"limit_price": Decimal("-1")}, "greater than zero"),
        ({"quantity": 100.0}, "decimal number"),
        ({"deadline": datetime(2026, 3, 5, 12, 0)}, "time zone"),
        ({"trader_id": ""}, "required"),
        ({"filled_quantity": Decimal("100")}, "filled exactly"),
        ({"status": LegStatus.FILLED}, "filled exactly"),
        ({"status": LegStatus.PARTIALLY_FILLED}, "needs a fill"),
        ({"filled_quantity": Decimal("3")}, "partially_filled"),
    ],
)
def test_a_leg_that_breaks_its_invariants_cannot_be_built(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        a_leg(**changes)


def test_a_leg_without_a_limit_price_is_allowed() -> None:
    assert a_leg(limit_price=None).limit_price is None


def test_enum_values_are_lower_case_strings() -> None:
    assert [s.value for s in LegStatus] == [
        "open",
        "partially_filled",
        "filled",
        "declined",
        "expired",
        "cancelled",
    ]
