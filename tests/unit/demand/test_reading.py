from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.demand.domain import (
    DemandKey,
    RejectedDemand,
    RejectionCode,
    Submission,
    demand_fingerprint,
    read_submission,
    validate_demand,
)
from tests.unit.demand.builders import CATALOGUE, TODAY, make_demand

Code = RejectionCode
_ABSENT: Any = object()


def fields(**changes: Any) -> dict[str, Any]:
    """The builders' valid demand as its sender writes it: every value text."""
    written: dict[str, Any] = {
        "manufacturer_id": "acme-batteries",
        "request_id": "PO-2025-0001",
        "mineral": "cobalt",
        "quantity": "120.5",
        "unit": "t",
        "deliver_by": "2025-09-30",
        "max_unit_price": "33500.00",
    }
    written.update(changes)
    return {name: value for name, value in written.items() if value is not _ABSENT}


def unreadable(**changes: Any) -> dict[str, tuple[Code, str]]:
    read = read_submission(fields(**changes))
    return {field: (reason.code, reason.message) for field, reason in read.unreadable.items()}


def test_a_well_written_demand_reads_into_the_values_it_states() -> None:
    read = read_submission(fields())
    assert read == Submission(make_demand(), "procurement", {})
    assert read.key == DemandKey("acme-batteries", "PO-2025-0001")
    assert read.fingerprint == demand_fingerprint(make_demand())


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("10", Decimal(10)),
        (" 0.5 ", Decimal("0.5")),
        (".5", Decimal("0.5")),
        ("1E+2", Decimal(100)),
    ],
)
def test_a_quantity_is_read_from_decimal_text(written: str, value: Decimal) -> None:
    assert read_submission(fields(quantity=written)).demand.quantity == value


@pytest.mark.parametrize("written", ["lots", "NaN", "Infinity", "1,5", "1_000", "١٢", "", "0x10"])
def test_a_quantity_that_is_not_plain_decimal_text_is_not_a_number(written: str) -> None:
    [(code, message)] = unreadable(quantity=written).values()
    assert code is Code.QUANTITY_NOT_A_NUMBER
    assert message.startswith("quantity must be a decimal number such as '120.5', got ")


def test_a_quantity_sent_as_a_json_number_is_refused_so_no_digit_is_lost() -> None:
    assert unreadable(quantity=120.5) == {
        "quantity": (
            Code.NOT_TEXT,
            "quantity must be text (a JSON string), got a number;"
            " numbers travel as text, e.g. '120.5', so that no digit is lost",
        )
    }


@pytest.mark.parametrize(
    ("value", "kind"),
    [(True, "a boolean"), ([1], "an array"), ({"a": 1}, "an object"), (7, "a number")],
)
def test_a_field_that_is_not_text_says_what_it_got(value: object, kind: str) -> None:
    [(code, message)] = unreadable(mineral=value).values()
    assert code is Code.NOT_TEXT
    assert message.startswith(f"mineral must be text (a JSON string), got {kind}")


def test_an_integer_too_long_for_pydantic_is_a_number_like_any_other() -> None:
    # shared.codec.tolerant_json hands integers over 4,300 digits over as Decimal.
    [(code, message)] = unreadable(quantity=Decimal("9" * 5000)).values()
    assert code is Code.NOT_TEXT
    assert message.startswith("quantity must be text (a JSON string), got a number;")


@pytest.mark.parametrize("field", ["mineral", "unit", "max_unit_price", "request_id"])
def test_text_with_a_lone_surrogate_is_named_and_never_echoed(field: str) -> None:
    [(code, message)] = unreadable(**{field: "cobalt\ud800"}).values()
    assert code is Code.NOT_UNICODE
    assert message.startswith(f"{field} holds a lone surrogate escape")
    message.encode("utf-8")  # storable, loggable


@pytest.mark.parametrize("missing", [_ABSENT, None])
def test_a_required_field_absent_or_null_is_missing(missing: object) -> None:
    assert unreadable(unit=missing) == {"unit": (Code.MISSING, "unit is missing")}


def test_text_longer_than_the_contract_allows_is_not_read() -> None:
    assert unreadable(mineral="x" * 201) == {
        "mineral": (Code.TOO_LONG, "mineral is 201 characters long; at most 200 are read")
    }


@pytest.mark.parametrize("written", ["30/09/2025", "2025-9-30", "20250930", "2025-02-30", "soon"])
def test_a_deliver_by_that_is_not_a_yyyy_mm_dd_calendar_date_is_refused(written: str) -> None:
    [(code, message)] = unreadable(deliver_by=written).values()
    assert code is Code.DELIVER_BY_NOT_A_DATE
    assert message == f"deliver_by must be a calendar date written YYYY-MM-DD, got {written!r}"


def test_no_price_limit_may_be_left_out_or_null_but_not_empty() -> None:
    assert read_submission(fields(max_unit_price=_ABSENT)).demand.max_unit_price is None
    assert read_submission(fields(max_unit_price=None)).demand.max_unit_price is None
    [(code, message)] = unreadable(max_unit_price=" ").values()
    assert code is Code.MAX_UNIT_PRICE_NOT_A_NUMBER
    assert "leave it out (or null) for no price limit" in message


def test_the_kind_defaults_to_procurement_and_only_the_two_kinds_are_read() -> None:
    assert read_submission(fields()).kind == "procurement"
    assert read_submission(fields(kind="replenishment")).kind == "replenishment"
    assert unreadable(kind="gift") == {
        "kind": (Code.UNKNOWN_KIND, "kind must be procurement or replenishment, got 'gift'")
    }


def test_a_hostile_value_is_quoted_back_escaped_and_clipped() -> None:
    [(_, message)] = unreadable(deliver_by="\x1b[2J" + "9" * 100).values()
    assert "\\x1b[2J" in message
    assert message.endswith("99...'")


def test_without_both_ids_a_demand_has_no_key_to_answer_to() -> None:
    assert read_submission(fields(request_id=_ABSENT)).key is None
    assert read_submission(fields(manufacturer_id=3)).key is None
    # Ids that break the id rules still address an answer: the domain says what is wrong.
    assert read_submission(fields(request_id="bad id")).key == DemandKey("acme-batteries", "bad id")


def test_content_that_cannot_all_be_read_has_no_fingerprint() -> None:
    assert read_submission(fields(quantity="lots")).fingerprint is None
    assert read_submission(fields(kind="gift")).fingerprint is not None


def test_unreadable_fields_are_rejected_beside_the_faults_of_the_readable_ones() -> None:
    read = read_submission(fields(quantity=12, unit="kg", deliver_by="2025-13-01"))
    result = validate_demand(read.demand, CATALOGUE, TODAY, read.unreadable)
    assert isinstance(result, RejectedDemand)
    assert [(r.field, r.code) for r in result.reasons] == [
        ("unit", Code.WRONG_UNIT),
        ("quantity", Code.NOT_TEXT),
        ("deliver_by", Code.DELIVER_BY_NOT_A_DATE),
    ]


def test_stand_ins_for_unreadable_fields_are_never_judged() -> None:
    # The stand-in date is date.min, long past; only the unreadable reason may show.
    read = read_submission(fields(deliver_by=None))
    assert read.demand.deliver_by == date.min
    result = validate_demand(read.demand, CATALOGUE, TODAY, read.unreadable)
    assert isinstance(result, RejectedDemand)
    assert [r.code for r in result.reasons] == [Code.MISSING]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
field_names = st.sampled_from(
    [
        "manufacturer_id",
        "request_id",
        "mineral",
        "quantity",
        "unit",
        "deliver_by",
        "max_unit_price",
        "kind",
    ]
)


@given(st.dictionaries(field_names | st.text(), json_values | st.text()))
def test_reading_and_judging_any_json_object_never_raises_and_explains_briefly(
    payload: dict[str, Any],
) -> None:
    read = read_submission(payload)
    result = validate_demand(read.demand, CATALOGUE, TODAY, read.unreadable)
    if isinstance(result, RejectedDemand):
        pairs = [(reason.field, reason.code) for reason in result.reasons]
        assert pairs
        assert len(pairs) == len(set(pairs))
        assert all(0 < len(reason.message) <= 300 for reason in result.reasons)
    else:
        assert read.unreadable == {}
