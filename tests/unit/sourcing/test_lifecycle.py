from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from services.sourcing.domain import (
    OrderStatus,
    is_past_delivery,
    leg_deadline,
    order_status,
)
from shared.contracts import NaiveDatetime


@pytest.mark.parametrize(
    ("filled", "on_legs", "expired", "status"),
    [
        ("0", "100", False, OrderStatus.ROUTED),
        ("0", "40", False, OrderStatus.ROUTED),
        ("30", "70", False, OrderStatus.PARTLY_FILLED),
        ("30", "0", False, OrderStatus.WAITING),
        ("0", "0", False, OrderStatus.WAITING),
        ("100", "0", False, OrderStatus.FILLED),
        ("100", "0", True, OrderStatus.FILLED),
        ("30", "0", True, OrderStatus.EXPIRED),
        ("30", "10", True, OrderStatus.PARTLY_FILLED),
    ],
)
def test_an_orders_status_follows_from_its_quantities(
    filled: str, on_legs: str, expired: bool, status: OrderStatus
) -> None:
    assert (
        order_status(
            quantity=Decimal(100), filled=Decimal(filled), on_legs=Decimal(on_legs), expired=expired
        )
        is status
    )


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_leg_lives_for_its_ttl_when_delivery_is_later() -> None:
    assert leg_deadline(NOW, timedelta(hours=24), date(2026, 4, 1)) == NOW + timedelta(hours=24)


def test_a_leg_never_outlives_the_orders_delivery_day() -> None:
    deadline = leg_deadline(NOW, timedelta(days=7), date(2026, 3, 3))

    assert deadline == datetime(2026, 3, 4, tzinfo=UTC)


def test_delivery_is_past_only_once_the_delivery_day_is_over_in_utc() -> None:
    assert not is_past_delivery(datetime(2026, 3, 2, 23, 59, tzinfo=UTC), date(2026, 3, 2))
    assert is_past_delivery(datetime(2026, 3, 3, tzinfo=UTC), date(2026, 3, 2))


def test_a_deadline_needs_an_aware_clock() -> None:
    with pytest.raises(NaiveDatetime):
        leg_deadline(datetime(2026, 3, 2), timedelta(hours=1), date(2026, 4, 1))
