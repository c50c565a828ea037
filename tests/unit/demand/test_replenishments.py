"""Replenishment is the program's own demand: never from a manufacturer, once per release."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.demand.domain import (
    DemandKey,
    RejectedDemand,
    RejectionCode,
    order_id_for,
    replenishment_order_id,
    validate_demand,
)
from services.demand.domain.replenishments import (
    Replenishment,
    ReplenishmentOrder,
    replenishment_order,
)
from tests.unit.demand.builders import CATALOGUE, TODAY, make_demand

ids = st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True)


def _replenishment(**changes: object) -> Replenishment:
    fields: dict[str, object] = {
        "manufacturer_id": "volta-motors",
        "release_id": "rel-1",
        "request_id": "replenish-rel-1",
        "mineral": "cobalt",
        "quantity": Decimal(5),
        "unit": "t",
        "deliver_by": TODAY + timedelta(days=60),
        "limit_price": Decimal(45000),
    }
    fields.update(changes)
    return Replenishment(**fields)  # type: ignore[arg-type]


def test_a_manufacturer_may_not_send_a_replenishment_and_is_told_why() -> None:
    verdict = validate_demand(make_demand(), CATALOGUE, TODAY, kind="replenishment")

    assert isinstance(verdict, RejectedDemand)
    [reason] = verdict.reasons
    assert (reason.code, reason.field) == (RejectionCode.KIND_NOT_ACCEPTED, "kind")
    assert "raised by the program when material is released" in reason.message


def test_a_release_becomes_an_order_in_its_market_under_an_id_derived_from_it() -> None:
    order = replenishment_order(_replenishment(), CATALOGUE)

    assert isinstance(order, ReplenishmentOrder)
    assert order.market == "cobalt"
    assert order.order_id == replenishment_order_id("volta-motors", "rel-1")


def test_a_replenishment_the_catalogue_cannot_read_is_inventorys_bug_and_says_so() -> None:
    assert replenishment_order(_replenishment(mineral="unobtainium"), CATALOGUE) == (
        "mineral 'unobtainium' is not in the catalogue"
    )
    assert replenishment_order(_replenishment(unit="kg"), CATALOGUE) == (
        "cobalt is ordered in t, not kg"
    )


@given(ids, ids)
def test_no_manufacturers_request_id_can_take_a_releases_order(
    manufacturer: str, release_id: str
) -> None:
    replenishing = replenishment_order_id(manufacturer, release_id)

    assert replenishing != order_id_for(DemandKey(manufacturer, release_id))
    assert replenishing != order_id_for(DemandKey(manufacturer, f"replenish-{release_id}"))
    assert replenishing == replenishment_order_id(manufacturer, release_id)
    assert len(replenishing) <= 64
