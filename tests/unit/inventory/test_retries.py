"""A client id names one request forever: the same request again is a replay, another is refused."""

from dataclasses import replace
from decimal import Decimal

from services.inventory.domain import (
    AdjustmentRequest,
    IdReused,
    Posting,
    ReleasePlan,
    ReleaseRequest,
    Transfer,
    TransferRequest,
    plan_adjustment,
    plan_release,
    plan_transfer,
    retry_adjustment,
    retry_release,
    retry_transfer,
)
from tests.unit.inventory.builders import LEASED, WAREHOUSES, at, held_lot, make_fill

HOLDING = held_lot(make_fill("fill-1", quantity=Decimal(10)))
RELEASE = ReleaseRequest(
    release_id="rel-1", manufacturer_id="maker-a", mineral="cobalt", quantity=Decimal(4)
)


def _released() -> ReleasePlan:
    plan = plan_release(
        [HOLDING], "maker-a", "cobalt", Decimal(4), release_id="rel-1", at=at(5), lead_days=60
    )
    assert isinstance(plan, ReleasePlan)
    return plan


def test_a_release_retried_as_it_was_made_is_answered_with_the_stored_release() -> None:
    stored = _released().release

    assert retry_release(stored, RELEASE) is stored


def test_a_release_id_reused_for_another_quantity_or_site_is_refused_naming_the_first() -> None:
    stored = _released().release

    for changed in (replace(RELEASE, quantity=Decimal(5)), replace(RELEASE, warehouse_id="wh-x")):
        refused = retry_release(stored, changed)
        assert isinstance(refused, IdReused)
        assert (refused.kind, refused.request_id) == ("release", "rel-1")
        assert "performed as 4 t of cobalt" in refused.detail


def test_a_transfer_retried_as_it_was_made_is_answered_as_a_replay() -> None:
    plan = plan_transfer(
        HOLDING, LEASED.warehouse_id, Decimal(3), WAREHOUSES, transfer_id="t-1", at=at(6)
    )
    assert isinstance(plan, Transfer)
    request = TransferRequest(
        transfer_id="t-1",
        lot_id=HOLDING.lot.lot_id,
        to_warehouse_id=LEASED.warehouse_id,
        quantity=Decimal(3),
    )

    replayed = retry_transfer(plan.movements, request)
    reused = retry_transfer(plan.movements, replace(request, quantity=Decimal(2)))

    assert not isinstance(replayed, IdReused)
    assert (replayed.replayed, replayed.split, replayed.lot_id) == (True, True, plan.lot.lot_id)
    assert (replayed.from_warehouse_id, replayed.quantity) == (HOLDING.lot.warehouse_id, Decimal(3))
    assert isinstance(reused, IdReused)
    assert "moved 3 t of lot:fill-1" in reused.detail


def test_an_adjustment_retried_must_repeat_lot_quantity_reason_and_author() -> None:
    posting = plan_adjustment(
        HOLDING, Decimal(-1), reason="recount", author="ops", adjustment_id="a-1", at=at(7)
    )
    assert isinstance(posting, Posting)
    request = AdjustmentRequest(
        adjustment_id="a-1",
        lot_id=HOLDING.lot.lot_id,
        quantity=Decimal(-1),
        reason="recount",
        author="ops",
    )

    assert retry_adjustment(posting.movement, request) is posting.movement
    for changed in (replace(request, reason="loss"), replace(request, author="someone")):
        assert isinstance(retry_adjustment(posting.movement, changed), IdReused)
    assert request.movement_id == posting.movement.movement_id
