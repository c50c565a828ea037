"""A valid demand to start from; each test changes only what it is about."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from services.demand.domain import DemandInput
from shared.catalogue import Catalogue, load_catalogue

TODAY = date(2025, 6, 2)
CATALOGUE: Catalogue = load_catalogue()

_VALID = DemandInput(
    manufacturer_id="acme-batteries",
    request_id="PO-2025-0001",
    mineral="cobalt",
    quantity=Decimal("120.5"),
    unit="t",
    deliver_by=date(2025, 9, 30),
    max_unit_price=Decimal("33500.00"),
)


def make_demand(**changes: Any) -> DemandInput:
    return replace(_VALID, **changes)
