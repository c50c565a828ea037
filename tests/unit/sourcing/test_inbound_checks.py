from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.sourcing.checks import fill_refusal, offer_refusal, request_refusal, same_fill
from services.sourcing.domain import OrderStatus, Phase, Tier, Unit
from services.sourcing.policy_table import load_policy
from services.sourcing.state import LegState, OrderState
from shared.catalogue import load_catalogue
from shared.contracts import FillConfirmed, OfferPublished, ProcurementRequested

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = load_policy()
CATALOGUE = load_catalogue()

ORDER = OrderState(
    order_id="o-1",
    manufacturer_id="m-1",
    request_id="r-1",
    kind="procurement",
    mineral="cobalt",
    market="cobalt",
    unit=Unit.TONNE,
    quantity=Decimal(100),
    deliver_by=date(2026, 5, 1),
    limit_price=None,
    status=OrderStatus.ROUTED,
    filled=Decimal(0),
    open_quantity=Decimal(0),
    open_reason="",
    next_sequence=2,
    excluded_offers=frozenset(),
    excluded_specialists=frozenset(),
    correlation_id="c-1",
)
LEG = LegState(
    leg_id="o-1.leg-1",
    order_id="o-1",
    sequence=1,
    kind="offer",
    trader_id="t-1",
    mineral="cobalt",
    market="cobalt",
    quantity=Decimal(100),
    unit_price=Decimal(50),
    filled=Decimal(30),
    status="open",
    phase=Phase.REPLENISHMENT,
    policy_version="2026-03-01",
    deadline=NOW + timedelta(days=1),
    deliver_by=date(2026, 5, 1),
    offer_id="offer-1",
    tier=Tier.ALLIED,
    origin_country="CA",
    warehouse_id="wh-1",
    available_on=date(2026, 3, 10),
)


def _fill(**changes: Any) -> FillConfirmed:
    fields: dict[str, Any] = {
        "fill_id": "f-1",
        "leg_id": "o-1.leg-1",
        "order_id": "o-1",
        "trader_id": "t-1",
        "manufacturer_id": "m-1",
        "mineral": "cobalt",
        "quantity": {"amount": "70", "unit": "t"},
        "unit_price": {"amount": "50", "per": "t"},
        "origin_country": "CA",
        "warehouse_id": "wh-1",
        "lot_reference": "lot-1",
        "filled_at": NOW,
    }
    fields.update(changes)
    return FillConfirmed.model_validate(fields)


def test_a_fill_within_what_is_left_at_the_legs_price_is_accepted() -> None:
    assert fill_refusal(_fill(), ORDER, LEG, POLICY) is None


@pytest.mark.parametrize(
    ("fill", "leg", "refusal"),
    [
        (_fill(trader_id="t-2"), LEG, "routed to another trader"),
        (_fill(quantity={"amount": "70.001", "unit": "t"}), LEG, "exceeds the 70 left"),
        (_fill(unit_price={"amount": "50.01", "per": "t"}), LEG, "above the leg's limit"),
        (_fill(quantity={"amount": "70", "unit": "kg"}), LEG, "the order is in t"),
        (_fill(unit_price={"amount": "50", "per": "kg"}), LEG, "per kg"),
        (_fill(origin_country="AU"), LEG, "not the offer's origin CA"),
        (_fill(mineral="lithium"), LEG, "differ from the order's"),
        (_fill(), replace(LEG, status="expired"), "is expired"),
        (_fill(), replace(LEG, order_id="o-2"), "not a leg of order o-1"),
        (_fill(), None, "not a leg of order o-1"),
        (
            _fill(origin_country="RU"),
            replace(LEG, kind="mandate", offer_id=None, origin_country=None, tier=None),
            "RU is excluded in replenishment",
        ),
    ],
)
def test_a_fill_that_breaks_its_leg_is_refused_whole(
    fill: FillConfirmed, leg: LegState | None, refusal: str
) -> None:
    found = fill_refusal(fill, ORDER, leg, POLICY)

    assert found is not None
    assert refusal in found


def test_a_resent_fill_is_told_from_a_reused_fill_id() -> None:
    assert same_fill("o-1.leg-1", Decimal("70.0"), _fill())
    assert not same_fill("o-1.leg-1", Decimal("69"), _fill())
    assert not same_fill("o-1.leg-2", Decimal("70"), _fill())


def _request(**changes: Any) -> ProcurementRequested:
    fields: dict[str, Any] = {
        "order_id": "o-1",
        "manufacturer_id": "m-1",
        "request_id": "r-1",
        "mineral": "neodymium",
        "market": "rare_earths",
        "quantity": {"amount": "500", "unit": "kg"},
        "deliver_by": date(2026, 5, 1),
        "limit_price": {"amount": "80", "per": "kg"},
    }
    fields.update(changes)
    return ProcurementRequested.model_validate(fields)


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({}, None),
        ({"mineral": "unobtainium"}, "not in the catalogue"),
        ({"market": "cobalt"}, "trades in market rare_earths"),
        ({"quantity": {"amount": "500", "unit": "t"}}, "ordered in kg"),
        ({"limit_price": {"amount": "80", "per": "t"}}, "per t"),
    ],
)
def test_a_request_must_match_the_catalogue(changes: dict[str, Any], refusal: str | None) -> None:
    found = request_refusal(_request(**changes), CATALOGUE)

    assert found is None if refusal is None else refusal in (found or "")


def test_an_offer_must_match_the_catalogue() -> None:
    offer = OfferPublished.model_validate(
        {
            "offer_id": "x",
            "trader_id": "t-1",
            "mineral": "cobalt",
            "market": "cobalt",
            "origin_country": "CA",
            "quantity": {"amount": "5", "unit": "kg"},
            "unit_price": {"amount": "5", "per": "kg"},
            "warehouse_id": "wh",
            "available_on": date(2026, 3, 1),
            "valid_until": NOW,
        }
    )

    assert offer_refusal(offer, CATALOGUE) == "cobalt is offered in t, not kg"
