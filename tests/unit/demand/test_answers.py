"""What a request id's stored answer becomes when demands arrive under it (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from services.demand.domain import (
    Accepted,
    Conflict,
    DemandRecord,
    Rejected,
    Submission,
    answer,
    order_id_for,
    validate_demand,
)
from tests.unit.demand.builders import CATALOGUE, TODAY, make_demand


def submitted(**changes: Any) -> Submission:
    return Submission(make_demand(**changes), "procurement", {})


def judge(stored: DemandRecord | None, submission: Submission) -> Any:
    verdict = validate_demand(submission.demand, CATALOGUE, TODAY)
    return answer(stored, submission, verdict, "kafka")


def test_a_new_valid_demand_is_stored_accepted_under_its_order_id() -> None:
    made = judge(None, submitted())
    assert isinstance(made.outcome, Accepted)
    assert not made.outcome.duplicate
    assert made.record is not None
    assert (made.record.status, made.record.order_id, made.record.attempts) == (
        "accepted",
        order_id_for(made.record.key),
        1,
    )


def test_a_resend_of_the_same_content_is_a_duplicate_and_counted() -> None:
    first = judge(None, submitted())
    again = judge(first.record, submitted(quantity=Decimal("120.500")))
    assert again.outcome == Accepted(first.outcome.order_id, None)
    assert again.record is not None
    assert again.record.attempts == 2


def test_other_content_under_an_accepted_request_id_is_a_conflict_and_changes_nothing() -> None:
    first = judge(None, submitted())
    other = judge(first.record, submitted(quantity=Decimal("7")))
    assert isinstance(other.outcome, Conflict)
    assert other.record is not None
    assert first.record is not None
    assert (other.record.status, other.record.fingerprint) == ("accepted", first.record.fingerprint)


def test_a_rejected_request_id_sent_again_corrected_is_judged_as_new() -> None:
    wrong = judge(None, submitted(unit="kg"))
    assert isinstance(wrong.outcome, Rejected)
    fixed = judge(wrong.record, submitted())
    assert isinstance(fixed.outcome, Accepted)
    assert not fixed.outcome.duplicate
    assert fixed.record is not None
    assert (fixed.record.status, fixed.record.attempts) == ("accepted", 2)


def test_ids_that_break_the_rules_are_answered_and_never_stored() -> None:
    made = judge(None, submitted(request_id="no spaces allowed"))
    assert isinstance(made.outcome, Rejected)
    assert made.record is None


quantities = st.sampled_from(["1", "2", "120.5", "bad"])


@given(st.lists(quantities, min_size=1, max_size=8))
def test_one_order_per_request_id_whatever_arrives_after(sequence: list[str]) -> None:
    """Once accepted, a request id keeps its order and content; only attempts grow."""
    stored: DemandRecord | None = None
    accepted: DemandRecord | None = None
    for n, text in enumerate(sequence, start=1):
        quantity = Decimal(text) if text != "bad" else Decimal(-1)
        made = judge(stored, submitted(quantity=quantity))
        assert made.record is not None
        assert made.record.attempts == n
        if accepted is not None:
            assert made.record.fingerprint == accepted.fingerprint
            assert isinstance(made.outcome, Accepted | Conflict)
        elif made.record.status == "accepted":
            accepted = made.record
        stored = made.record
