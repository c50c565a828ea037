from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.trader_gateway.domain import (
    LegKind,
    LegStatus,
    UnusableLeg,
    limit_per_unit,
    route_leg,
)
from shared.contracts import Tier, Unit

from .builders import NOW, a_leg


def _routed(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "leg_id": "leg-1",
        "order_id": "order-1",
        "trader_id": "trader-1",
        "mineral": "cobalt",
        "unit": Unit.TONNE,
        "quantity": Decimal("10"),
        "limit": (Decimal("33000"), Unit.TONNE),
        "deadline": NOW + timedelta(days=1),
        "tier_preference": (Tier.DOMESTIC,),
        "kind": LegKind.MANDATE,
        "routed_at": NOW,
    }
    return {**fields, **changes}


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
    assert limit_per_unit(Decimal(limit), Unit(per), Unit(unit)) == expected
    routed = route_leg(**_routed(unit=Unit(unit), limit=(Decimal(limit), Unit(per))))
    assert routed.limit_price == expected


def test_a_leg_without_a_limit_has_none() -> None:
    assert route_leg(**_routed(limit=None)).limit_price is None


def test_a_limit_too_small_to_express_per_kilogram_makes_the_leg_unusable() -> None:
    with pytest.raises(UnusableLeg):
        limit_per_unit(Decimal("0.0009"), Unit.TONNE, Unit.KILOGRAM)
    with pytest.raises(UnusableLeg):
        route_leg(**_routed(unit=Unit.KILOGRAM, limit=(Decimal("0.0009"), Unit.TONNE)))


def test_a_routed_leg_is_open_with_nothing_filled_since_it_was_routed() -> None:
    leg = route_leg(**_routed())
    assert (leg.status, leg.filled_quantity, leg.remaining) == (
        LegStatus.OPEN,
        Decimal(0),
        Decimal("10"),
    )
    assert leg.routed_at == NOW


@pytest.mark.parametrize(
    "changes", [{"mineral": ""}, {"quantity": Decimal("1.0000001")}, {"leg_id": "x" * 129}]
)
def test_a_leg_no_trader_could_act_on_is_unusable(changes: dict[str, Any]) -> None:
    with pytest.raises(UnusableLeg):
        route_leg(**_routed(**changes))


def test_an_open_leg_reads_as_expired_only_after_its_deadline() -> None:
    leg = a_leg()
    assert leg.status_at(leg.deadline) is LegStatus.OPEN
    assert leg.status_at(leg.deadline + timedelta(microseconds=1)) is LegStatus.EXPIRED
    closed = a_leg(status=LegStatus.DECLINED)
    assert closed.status_at(closed.deadline + timedelta(days=1)) is LegStatus.DECLINED
