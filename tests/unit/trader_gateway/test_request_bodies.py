from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.trader_gateway.api.admin import TraderRequest
from services.trader_gateway.api.schemas import FillRequest
from services.trader_gateway.api.values import QuantityIn

FILL = {
    "mineral": "cobalt",
    "quantity": {"amount": "40", "unit": "t"},
    "unit_price": {"amount": "32500.00", "per": "t"},
    "origin_country": "AU",
    "warehouse_id": "wh-1",
    "lot_reference": "LOT-1",
    "filled_at": "2026-03-02T12:00:00Z",
}


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("12.5", "12.5"), (Decimal("1E+3"), "1000"), (40, "40"), ("0.000001", "0.000001")],
)
def test_amounts_are_plain_bounded_decimals(amount: object, expected: str) -> None:
    assert str(QuantityIn.model_validate({"amount": amount, "unit": "t"}).amount) == expected


@pytest.mark.parametrize(
    "amount",
    ["1e3", "+5", " 5", "-1", "0", "0.0000001", "9" * 13, Decimal("1e400"), True, None, [1]],
)
def test_anything_else_is_refused(amount: object) -> None:
    with pytest.raises(ValidationError):
        QuantityIn.model_validate({"amount": amount, "unit": "t"})


@pytest.mark.parametrize(
    "filled_at", ["2026-03-02T12:00:00", "2026-03-02", 1_700_000_000, "1700000000", "yesterday"]
)
def test_a_fill_time_is_rfc_3339_text_with_an_offset(filled_at: object) -> None:
    with pytest.raises(ValidationError):
        FillRequest.model_validate({**FILL, "filled_at": filled_at})


def test_a_fill_may_not_carry_fields_the_gateway_derives() -> None:
    for extra in ({"trader_id": "t-2"}, {"status": "filled"}, {"leg_id": "leg-2"}):
        with pytest.raises(ValidationError):
            FillRequest.model_validate({**FILL, **extra})


def test_a_trader_registration_lists_known_markets_once_each_and_a_printable_name() -> None:
    base = {"name": "Glencore", "rank": 1, "capacity": "10", "exposure_limit_usd": "10"}
    made = TraderRequest.model_validate({**base, "markets": ["lithium", "cobalt", "lithium"]})
    assert made.markets == ["cobalt", "lithium"]
    for bad in (
        {"markets": ["cobalt", "unobtainium"]},
        {"name": "Glen\u0000core"},
        {"name": " Glencore"},
        {"rank": True},
        {"rank": 1.5},
        {"active": "yes"},
    ):
        with pytest.raises(ValidationError):
            TraderRequest.model_validate({**base, "markets": ["cobalt"], **bad})
