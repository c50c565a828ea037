"""What inventory publishes: identities from the contracts, one story per release."""

from decimal import Decimal

from services.inventory import events
from services.inventory.domain import ReleasePlan, plan_release
from shared import topics
from shared.envelope import topic_of
from tests.unit.inventory.builders import at, booked, held_lot, make_fill


def _plan(quantity: Decimal) -> ReleasePlan:
    holdings = [
        held_lot(make_fill("fill-a", quantity=Decimal(5), filled_at=at(0))),
        held_lot(make_fill("fill-b", quantity=Decimal(50), filled_at=at(1))),
    ]
    plan = plan_release(
        holdings, "maker-a", "cobalt", quantity, release_id="rel-1", at=at(9), lead_days=60
    )
    assert isinstance(plan, ReleasePlan)
    return plan


def test_a_release_publishes_itself_then_its_draws_then_its_replenishment_as_one_story() -> None:
    performed, *draws, demand = events.of_release(_plan(Decimal(8)))

    assert [topic_of(e) for e in (performed, *draws, demand)] == [
        topics.INVENTORY_RELEASES,
        topics.INVENTORY_HOLDINGS,
        topics.INVENTORY_HOLDINGS,
        topics.INVENTORY_REPLENISHMENTS,
    ]
    assert (performed.type, performed.key) == ("release.performed", "rel-1")
    assert [d.key for d in draws] == ["order-for-fill-a", "order-for-fill-b"]
    assert (demand.type, demand.key) == ("replenishment.requested", "rel-1")
    assert {e.correlation_id for e in (*draws, demand)} == {performed.correlation_id}
    assert {e.causation_id for e in (*draws, demand)} == {str(performed.event_id)}


def test_a_replenishment_names_its_release_and_is_limited_by_what_the_drawn_lots_cost() -> None:
    *_, demand = events.of_release(_plan(Decimal("1E+1")))

    payload = demand.model_dump(mode="json")["payload"]
    assert (payload["release_id"], payload["request_id"]) == ("rel-1", "replenish-rel-1")
    assert payload["quantity"] == {"amount": "10", "unit": "t"}
    assert payload["deliver_by"] == "2026-03-06"
    # Both lots drawn cost 33000 USD/t; the limit is 25% above the dearest.
    assert payload["limit_price"] == {"amount": "41250", "currency": "USD", "per": "t"}
    assert "headroom" in payload["price_basis"]


def test_a_holdings_update_reports_the_movement_and_the_balance_it_left() -> None:
    receipt = booked(make_fill("fill-7", quantity=Decimal("12.5")))

    update = events.holdings_updated(receipt.posting, correlation_id="c-1", causation_id="e-1")

    assert (update.key, update.correlation_id, update.causation_id) == (
        "order-for-fill-7",
        "c-1",
        "e-1",
    )
    payload = update.payload
    assert (payload.kind, payload.lot_id, payload.delta, payload.balance) == (
        "receipt",
        "lot:fill-7",
        Decimal("12.5"),
        Decimal("12.5"),
    )
