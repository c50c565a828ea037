"""The use case itself on the real database, where the clock matters."""

from __future__ import annotations

from datetime import date, timedelta

from services.demand.domain import Accepted, Rejected, read_submission
from services.demand.handlers.submit_demand import Submitted, submit_demands
from shared.service import Service
from tests.integration.demand.intake import DELIVER_BY, demand_fields


async def test_a_late_resend_of_an_accepted_demand_is_still_a_duplicate(
    demand: Service, manufacturer: str
) -> None:
    submission = read_submission(demand_fields(manufacturer, "L-1"))
    after_delivery = date.fromisoformat(DELIVER_BY) + timedelta(days=1)

    async with demand.transaction() as conn:
        [first] = await submit_demands(conn, [Submitted(submission, "kafka")], date.today())
    async with demand.transaction() as conn:
        [late] = await submit_demands(conn, [Submitted(submission, "kafka")], after_delivery)

    assert isinstance(first, Accepted)
    assert not first.duplicate
    assert late == Accepted(first.order_id, None)
    assert late.duplicate


async def test_the_same_demand_first_seen_late_is_rejected_for_its_date(
    demand: Service, manufacturer: str
) -> None:
    submission = read_submission(demand_fields(manufacturer, "L-2"))
    after_delivery = date.fromisoformat(DELIVER_BY) + timedelta(days=1)

    async with demand.transaction() as conn:
        [outcome] = await submit_demands(conn, [Submitted(submission, "kafka")], after_delivery)

    assert isinstance(outcome, Rejected)
    assert [reason.code for reason in outcome.reasons] == ["deliver_by_not_in_future"]


async def test_a_batch_answers_each_demand_in_order_a_resend_within_it_included(
    demand: Service, manufacturer: str
) -> None:
    first = read_submission(demand_fields(manufacturer, "B-1"))
    other = read_submission(demand_fields(manufacturer, "B-2"))
    changed = read_submission({**demand_fields(manufacturer, "B-1"), "quantity": "99"})
    batch = [Submitted(s, "kafka") for s in (first, other, first, changed)]

    async with demand.transaction() as conn:
        answers = await submit_demands(conn, batch, date.today())

    assert [type(a).__name__ for a in answers] == ["Accepted", "Accepted", "Accepted", "Conflict"]
    assert isinstance(answers[0], Accepted)
    assert isinstance(answers[2], Accepted)
    assert (answers[0].duplicate, answers[2].duplicate) == (False, True)
    assert answers[2].order_id == answers[0].order_id
    attempts = await demand.pool.fetchval(
        "SELECT attempts FROM demands WHERE manufacturer_id = $1 AND request_id = 'B-1'",
        manufacturer,
    )
    assert attempts == 3
