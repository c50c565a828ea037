from datetime import date
from decimal import Decimal

from services.demand.domain import (
    Accepted,
    AcceptedDemand,
    DemandKey,
    Reason,
    Rejected,
    RejectionCode,
    validate_demand,
)
from services.demand.domain import plain_decimal as plain
from services.demand.events import of_outcome
from shared import topics
from shared.envelope import topic_of
from tests.unit.demand.builders import CATALOGUE, TODAY, make_demand

KEY = DemandKey("acme-batteries", "PO-2025-0001")


def accepted(**changes: object) -> AcceptedDemand:
    result = validate_demand(make_demand(**changes), CATALOGUE, TODAY)
    assert isinstance(result, AcceptedDemand), result
    return result


def test_an_accepted_amount_has_one_plain_spelling_downstream() -> None:
    assert [str(plain(Decimal(text))) for text in ["120.500", "1E+2", "0.0010", "7"]] == [
        "120.5",
        "100",
        "0.001",
        "7",
    ]


def test_a_procurement_request_carries_market_unit_and_a_limit_price_per_that_unit() -> None:
    demand = accepted(mineral="Dysprosium", unit="kg", quantity=Decimal("250.000"))
    _, event = of_outcome(
        KEY, Accepted("ord-1", demand), "replenishment", cause=None, correlation_id="c-1"
    )

    assert (topic_of(event), event.type, event.key, event.producer) == (
        topics.PROCUREMENT_REQUESTED,
        "procurement.requested",
        "ord-1",
        "demand",
    )
    assert event.correlation_id == "c-1"
    assert event.model_dump(mode="json")["payload"] == {
        "order_id": "ord-1",
        "manufacturer_id": "acme-batteries",
        "request_id": "PO-2025-0001",
        "mineral": "dysprosium",
        "market": "rare_earths",
        "quantity": {"amount": "250", "unit": "kg"},
        "deliver_by": date(2025, 9, 30).isoformat(),
        "limit_price": {"amount": "33500", "currency": "USD", "per": "kg"},
        "kind": "replenishment",
    }


def test_no_price_limit_means_no_limit_price() -> None:
    _, event = of_outcome(
        KEY,
        Accepted("ord-1", accepted(max_unit_price=None)),
        "procurement",
        cause=None,
        correlation_id=None,
    )
    assert event.model_dump()["payload"]["limit_price"] is None


def test_a_rejection_publishes_each_reason_with_its_code_and_field() -> None:
    reason = Reason(RejectionCode.WRONG_UNIT, "cobalt is ordered in t (tonnes), not 'kg'", "unit")
    [event] = of_outcome(
        DemandKey("acme", "PO-1"),
        Rejected((reason,)),
        "procurement",
        cause=None,
        correlation_id=None,
    )

    assert (topic_of(event), event.type, event.key) == (
        topics.DEMAND_OUTCOMES,
        "demand.rejected",
        "acme:PO-1",
    )
    assert event.model_dump()["payload"]["reasons"] == [
        {
            "code": "wrong_unit",
            "message": "cobalt is ordered in t (tonnes), not 'kg'",
            "field": "unit",
        }
    ]
