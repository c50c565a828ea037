"""The use case itself on the real database, where the clock matters."""

from __future__ import annotations

from datetime import date, timedelta

from services.demand.handlers import Accepted, Rejected, submit_demand
from services.demand.reading import read_submission
from shared.service import Service
from tests.integration.demand.intake import DELIVER_BY, demand_fields


async def test_a_late_resend_of_an_accepted_demand_is_still_a_duplicate(
    demand: Service, manufacturer: str
) -> None:
    submission = read_submission(demand_fields(manufacturer, "L-1"))
    after_delivery = date.fromisoformat(DELIVER_BY) + timedelta(days=1)

    async with demand.pool.acquire() as conn, conn.transaction():
        first = await submit_demand(conn, submission, "kafka", date.today())
    async with demand.pool.acquire() as conn, conn.transaction():
        late = await submit_demand(conn, submission, "kafka", after_delivery)

    assert isinstance(first, Accepted)
    assert late == Accepted(first.order_id, duplicate=True)


async def test_the_same_demand_first_seen_late_is_rejected_for_its_date(
    demand: Service, manufacturer: str
) -> None:
    submission = read_submission(demand_fields(manufacturer, "L-2"))
    after_delivery = date.fromisoformat(DELIVER_BY) + timedelta(days=1)

    async with demand.pool.acquire() as conn, conn.transaction():
        outcome = await submit_demand(conn, submission, "kafka", after_delivery)

    assert isinstance(outcome, Rejected)
    assert [reason.code for reason in outcome.reasons] == ["deliver_by_not_in_future"]
