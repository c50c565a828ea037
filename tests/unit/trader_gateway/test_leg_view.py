from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.trader_gateway.handlers.legs import limit_per_leg_unit
from shared.codec import PoisonMessage
from shared.contracts import LegRouted, Quantity, UnitPrice


def _routed(unit: str, limit: str | None, per: str) -> LegRouted:
    return LegRouted(
        leg_id="leg-1",
        order_id="order-1",
        trader_id="trader-1",
        manufacturer_id="mfr-1",
        mineral="cobalt",
        market="cobalt",
        quantity=Quantity(amount=Decimal("10"), unit=unit),
        limit_price=None if limit is None else UnitPrice(amount=Decimal(limit), per=per),
        deadline=datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=1),
        kind="mandate",
        phase="initial_fill",
        policy_version="p-1",
    )


@pytest.mark.parametrize(
    ("unit", "limit", "per", "expected"),
    [
        ("t", "33000", "t", Decimal("33000")),
        ("t", "33.5", "kg", Decimal("33500")),
        ("kg", "33000", "t", Decimal("33")),
        # Rounded down: converting a limit may make it stricter, never looser.
        ("kg", "0.001999", "t", Decimal("0.000001")),
        ("kg", "1234.5678", "t", Decimal("1.234567")),
    ],
)
def test_the_limit_price_is_held_per_the_legs_own_unit(
    unit: str, limit: str, per: str, expected: Decimal
) -> None:
    assert limit_per_leg_unit(_routed(unit, limit, per)) == expected


def test_a_leg_without_a_limit_has_none() -> None:
    assert limit_per_leg_unit(_routed("t", None, "t")) is None


def test_a_limit_too_small_to_express_per_kilogram_is_a_poison_message() -> None:
    with pytest.raises(PoisonMessage):
        limit_per_leg_unit(_routed("kg", "0.0009", "t"))
