from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.inventory.domain import (
    LotBalance,
    MovementKind,
    ReleasePlan,
    ReleaseRefused,
    RequestProblem,
    check_request,
    plan_release,
    replenishment_due,
)
from shared.catalogue import load_catalogue
from shared.contracts import Unit
from tests.unit.inventory.builders import LEASED, OWNED, PARTNER, at, held_lot, make_fill

OLD = held_lot(make_fill("fill-old", quantity=Decimal(5), filled_at=at(0)))
MIDDLE = held_lot(
    make_fill("fill-mid", quantity=Decimal(5), filled_at=at(1), warehouse_id=LEASED.warehouse_id)
)
NEW = held_lot(make_fill("fill-new", quantity=Decimal(5), filled_at=at(2)))
OTHER_MAKER = held_lot(make_fill("fill-b", quantity=Decimal(50), filled_at=at(0), owner="maker-b"))
OTHER_MINERAL = held_lot(make_fill("fill-li", quantity=Decimal(50), mineral="lithium"))
HOLDINGS = [NEW, OTHER_MAKER, MIDDLE, OTHER_MINERAL, OLD]


def _release(
    quantity: str, warehouse: str | None = None, holdings: list[LotBalance] = HOLDINGS
) -> ReleasePlan | ReleaseRefused:
    return plan_release(
        holdings,
        "maker-a",
        "cobalt",
        Decimal(quantity),
        warehouse,
        release_id="rel-1",
        at=at(9),
        lead_days=60,
    )


def _taken(plan: ReleasePlan) -> dict[str, Decimal]:
    return {movement.lot_id: -movement.quantity for movement in plan.movements}


def test_a_release_within_holdings_draws_the_oldest_lots_first() -> None:
    plan = _release("7")

    assert isinstance(plan, ReleasePlan)
    assert _taken(plan) == {OLD.lot.lot_id: Decimal(5), MIDDLE.lot.lot_id: Decimal(2)}
    assert {m.kind for m in plan.movements} == {MovementKind.RELEASE}
    assert (plan.quantity, plan.unit) == (Decimal(7), Unit.TONNE)


def test_lots_received_at_the_same_time_are_drawn_in_lot_id_order() -> None:
    b = held_lot(make_fill("fill-b2", quantity=Decimal(3), filled_at=at(0)))
    a = held_lot(make_fill("fill-a2", quantity=Decimal(3), filled_at=at(0)))

    plan = _release("2", holdings=[b, a])

    assert isinstance(plan, ReleasePlan)
    assert _taken(plan) == {a.lot.lot_id: Decimal(2)}


def test_a_release_never_draws_another_manufacturers_lots_or_another_mineral() -> None:
    plan = _release("15")

    assert isinstance(plan, ReleasePlan)
    assert set(_taken(plan)) == {OLD.lot.lot_id, MIDDLE.lot.lot_id, NEW.lot.lot_id}


def test_a_release_above_holdings_is_refused_stating_held_and_requested() -> None:
    refused = _release("15.5")

    assert isinstance(refused, ReleaseRefused)
    assert (refused.held, refused.requested) == (Decimal(15), Decimal("15.5"))
    assert "holds 15 t of cobalt" in refused.reason
    assert "requested 15.5 t" in refused.reason


def test_a_release_limited_to_a_warehouse_draws_only_lots_in_that_warehouse() -> None:
    plan = _release("6", warehouse=PARTNER.warehouse_id)

    assert isinstance(plan, ReleasePlan)
    assert _taken(plan) == {OLD.lot.lot_id: Decimal(5), NEW.lot.lot_id: Decimal(1)}
    assert {m.warehouse_id for m in plan.movements} == {PARTNER.warehouse_id}


def test_a_release_limited_to_a_warehouse_is_refused_when_that_warehouse_holds_too_little() -> None:
    refused = _release("6", warehouse=LEASED.warehouse_id)

    assert isinstance(refused, ReleaseRefused)
    assert refused.held == Decimal(5)
    assert f"in warehouse {LEASED.warehouse_id}" in refused.reason


def test_a_release_from_a_manufacturer_holding_nothing_is_refused() -> None:
    refused = _release("1", warehouse=OWNED.warehouse_id)

    assert isinstance(refused, ReleaseRefused)
    assert refused.held == 0


def test_a_release_creates_replenishment_demand_for_what_it_draws() -> None:
    plan = _release("7")

    assert isinstance(plan, ReleasePlan)
    demand = plan.replenishment
    assert (demand.manufacturer, demand.mineral, demand.quantity, demand.unit) == (
        "maker-a",
        "cobalt",
        Decimal(7),
        Unit.TONNE,
    )
    assert demand.reason == "replenish release rel-1"


@pytest.mark.parametrize("quantity", ["0", "-1"])
def test_a_release_of_no_positive_quantity_is_refused(quantity: str) -> None:
    assert isinstance(_release(quantity), ReleaseRefused)


def test_an_unknown_release_rule_is_an_error() -> None:
    with pytest.raises(ValueError, match="lifo"):
        plan_release(
            HOLDINGS,
            "maker-a",
            "cobalt",
            Decimal(1),
            rule="lifo",  # type: ignore[arg-type]
            release_id="rel-2",
            at=at(9),
            lead_days=60,
        )


def test_each_draw_leaves_its_lot_holding_what_it_held_less_what_was_taken() -> None:
    plan = _release("7")

    assert isinstance(plan, ReleasePlan)
    assert [(p.lot.lot_id, p.balance) for p in plan.postings] == [
        (OLD.lot.lot_id, Decimal(0)),
        (MIDDLE.lot.lot_id, Decimal(3)),
    ]
    assert plan.release.draws == plan.movements


def test_replenishment_is_due_the_lead_time_after_the_release_day_in_utc() -> None:
    late_evening_in_chicago = datetime(2026, 3, 1, 21, 30, tzinfo=timezone(timedelta(hours=-6)))

    plan = plan_release(
        HOLDINGS,
        "maker-a",
        "cobalt",
        Decimal(1),
        release_id="rel-3",
        at=late_evening_in_chicago,
        lead_days=60,
    )

    assert isinstance(plan, ReleasePlan)
    # 03:30 UTC on 2 March: the release day is the 2nd.
    assert plan.replenishment.deliver_by == date(2026, 5, 1)
    assert replenishment_due(at(0), 1) == date(2026, 1, 6)
    assert plan.release.deliver_by == plan.replenishment.deliver_by


COBALT = load_catalogue().get("cobalt")


@pytest.mark.parametrize(
    ("mineral", "quantity", "unit", "problem"),
    [
        ("adamantium", "1", None, RequestProblem.UNKNOWN_MINERAL),
        ("cobalt", "1", "kg", RequestProblem.UNIT_MISMATCH),
        ("cobalt", "99999999", None, RequestProblem.QUANTITY_ABOVE_CEILING),
    ],
)
def test_a_release_request_the_catalogue_refuses_is_refused_before_anything_is_drawn(
    mineral: str, quantity: str, unit: str | None, problem: RequestProblem
) -> None:
    refused = check_request(mineral, Decimal(quantity), unit, load_catalogue().get(mineral))

    assert refused is not None
    assert refused.problem is problem
    assert mineral in refused.detail


def test_a_release_request_in_the_catalogue_unit_within_the_ceiling_passes() -> None:
    assert check_request("cobalt", Decimal(5), "t", COBALT) is None
    assert check_request("cobalt", Decimal(5), None, COBALT) is None
