"""What sourcing refuses of what other systems send: requests and offers off the catalogue.

A leg's fills and closings are not among them: the gateway owns those and judged them
(its fill checks are in ``tests/unit/trader_gateway``); sourcing learns them
(``test_learning``).
"""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.sourcing.domain import offer_refusal, request_refusal
from shared.catalogue import load_catalogue
from shared.contracts import OfferPublished, ProcurementRequested

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CATALOGUE = load_catalogue()


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
