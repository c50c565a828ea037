from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from services.demand.domain import (
    AcceptedDemand,
    DemandInput,
    Reason,
    RejectedDemand,
    RejectionCode,
    demand_fingerprint,
    validate_demand,
)
from shared.catalogue import Unit
from tests.unit.demand.builders import CATALOGUE, TODAY, make_demand

Code = RejectionCode


def reasons_for(demand: DemandInput, today: date = TODAY) -> tuple[Reason, ...]:
    result = validate_demand(demand, CATALOGUE, today)
    assert isinstance(result, RejectedDemand), result
    return result.reasons


def codes_for(demand: DemandInput, today: date = TODAY) -> set[RejectionCode]:
    return {reason.code for reason in reasons_for(demand, today)}


def accepted(demand: DemandInput, today: date = TODAY) -> AcceptedDemand:
    result = validate_demand(demand, CATALOGUE, today)
    assert isinstance(result, AcceptedDemand), result
    return result


def message_for(demand: DemandInput, code: RejectionCode) -> str:
    [message] = [r.message for r in reasons_for(demand) if r.code is code]
    return message


# Accepted


def test_a_valid_demand_is_accepted_with_the_market_of_its_mineral() -> None:
    demand = make_demand()
    assert validate_demand(demand, CATALOGUE, TODAY) == AcceptedDemand(
        manufacturer_id="acme-batteries",
        request_id="PO-2025-0001",
        mineral="cobalt",
        market="cobalt",
        quantity=Decimal("120.5"),
        unit=Unit.TONNE,
        deliver_by=date(2025, 9, 30),
        max_unit_price=Decimal("33500.00"),
        fingerprint=demand_fingerprint(demand),
    )


def test_a_demand_without_a_price_limit_is_accepted() -> None:
    assert accepted(make_demand(max_unit_price=None)).max_unit_price is None


def test_a_rare_earth_in_kilograms_is_accepted_into_the_rare_earths_market() -> None:
    result = accepted(make_demand(mineral="neodymium", unit="kg", quantity=Decimal(5000)))
    assert (result.market, result.unit) == ("rare_earths", Unit.KILOGRAM)


@pytest.mark.parametrize(
    "written", ["Metallurgical Coal", " metallurgical-coal ", "METALLURGICAL_COAL"]
)
def test_mineral_names_match_whatever_their_case_spacing_or_hyphens(written: str) -> None:
    assert accepted(make_demand(mineral=written, quantity=Decimal(1000))).mineral == (
        "metallurgical_coal"
    )


def test_the_unit_matches_whatever_its_case_or_surrounding_spaces() -> None:
    assert accepted(make_demand(unit=" T ")).unit is Unit.TONNE


def test_the_allowed_id_punctuation_and_the_longest_id_are_accepted() -> None:
    result = accepted(make_demand(manufacturer_id="Acme_Corp.EU:plant-7", request_id="x" * 64))
    assert result.request_id == "x" * 64


def test_a_datetime_for_deliver_by_counts_as_its_date() -> None:
    result = accepted(make_demand(deliver_by=datetime(2025, 9, 30, 12, 0)))
    assert type(result.deliver_by) is date


# Identifiers


@pytest.mark.parametrize(
    ("field", "empty", "too_long", "malformed"),
    [
        ("manufacturer_id", Code.MANUFACTURER_ID_EMPTY, Code.MANUFACTURER_ID_TOO_LONG,
         Code.MANUFACTURER_ID_MALFORMED),
        ("request_id", Code.REQUEST_ID_EMPTY, Code.REQUEST_ID_TOO_LONG, Code.REQUEST_ID_MALFORMED),
    ],
)  # fmt: skip
def test_empty_too_long_and_ill_formed_ids_are_rejected(
    field: str, empty: RejectionCode, too_long: RejectionCode, malformed: RejectionCode
) -> None:
    assert codes_for(make_demand(**{field: ""})) == {empty}
    assert codes_for(make_demand(**{field: "a" * 65})) == {too_long}
    assert codes_for(make_demand(**{field: "po 17/b"})) == {malformed}
    assert codes_for(make_demand(**{field: "é" * 65})) == {too_long, malformed}


def test_an_ill_formed_id_message_names_the_offending_characters() -> None:
    message = message_for(make_demand(request_id="po 17/b\n"), Code.REQUEST_ID_MALFORMED)
    assert message == (
        "request_id may use only letters A-Z a-z, digits and . _ : -; found '\\n', ' ', '/'"
    )


def test_a_too_long_id_message_gives_the_length_and_the_limit() -> None:
    message = message_for(make_demand(manufacturer_id="m" * 300), Code.MANUFACTURER_ID_TOO_LONG)
    assert message == "manufacturer_id is 300 characters long; at most 64 allowed"


# Mineral and unit


def test_an_unknown_mineral_is_rejected_with_close_catalogue_names() -> None:
    message = message_for(make_demand(mineral="cobalts"), Code.UNKNOWN_MINERAL)
    assert message == "unknown mineral 'cobalts'; did you mean cobalt?"


def test_the_british_spelling_of_aluminum_is_pointed_at_the_catalogue_id() -> None:
    message = message_for(make_demand(mineral="aluminium"), Code.UNKNOWN_MINERAL)
    assert message == "unknown mineral 'aluminium'; did you mean aluminum or gadolinium?"


def test_an_unknown_mineral_with_no_close_name_gets_no_suggestion() -> None:
    message = message_for(make_demand(mineral="unobtainium xyz"), Code.UNKNOWN_MINERAL)
    assert message == "unknown mineral 'unobtainium xyz'; use a catalogue mineral id"


def test_the_wrong_unit_is_rejected_naming_the_unit_the_mineral_uses() -> None:
    message = message_for(make_demand(unit="kg"), Code.WRONG_UNIT)
    assert message == "cobalt is ordered in t (tonnes), not 'kg'"


def test_an_unrecognised_unit_for_a_known_mineral_names_the_right_unit() -> None:
    reasons = reasons_for(make_demand(mineral="platinum", unit="oz", quantity=Decimal(10)))
    assert reasons == (
        Reason(Code.WRONG_UNIT, "platinum is ordered in kg (kilograms), not 'oz'", "unit"),
    )


def test_an_unrecognised_unit_for_an_unknown_mineral_lists_the_units() -> None:
    demand = make_demand(mineral="unobtainium", unit="lb")
    assert message_for(demand, Code.UNKNOWN_UNIT) == "unknown unit 'lb'; use t or kg"


def test_a_recognised_unit_for_an_unknown_mineral_is_not_blamed() -> None:
    assert codes_for(make_demand(mineral="unobtainium", unit="kg")) == {Code.UNKNOWN_MINERAL}


# Quantity


@pytest.mark.parametrize("quantity", ["0", "-0.000", "-1", "-120.5"])
def test_a_quantity_of_zero_or_less_is_rejected(quantity: str) -> None:
    assert codes_for(make_demand(quantity=Decimal(quantity))) == {Code.QUANTITY_NOT_POSITIVE}


def test_a_quantity_above_the_mineral_ceiling_is_rejected_and_the_ceiling_named() -> None:
    message = message_for(make_demand(quantity=Decimal("20000.001")), Code.QUANTITY_TOO_LARGE)
    assert message == "quantity 20000.001 is above 20000 t, the ceiling for one cobalt order"


def test_a_quantity_exactly_at_the_ceiling_is_accepted() -> None:
    accepted(make_demand(quantity=Decimal(20000)))


def test_a_quantity_with_more_than_three_decimal_places_is_rejected() -> None:
    message = message_for(make_demand(quantity=Decimal("1.2345")), Code.QUANTITY_TOO_PRECISE)
    assert message == "quantity may have at most 3 decimal places, got 1.2345"


def test_trailing_zeros_do_not_count_as_decimal_places() -> None:
    accepted(make_demand(quantity=Decimal("1.234000000")))


@pytest.mark.parametrize("quantity", ["NaN", "-Infinity", "Infinity", "sNaN"])
def test_a_quantity_that_is_not_a_finite_number_is_rejected(quantity: str) -> None:
    assert codes_for(make_demand(quantity=Decimal(quantity))) == {Code.QUANTITY_NOT_A_NUMBER}


# Deliver-by date


@pytest.mark.parametrize("days", [0, -1, -400])
def test_a_deliver_by_date_of_today_or_earlier_is_rejected(days: int) -> None:
    demand = make_demand(deliver_by=TODAY + timedelta(days=days))
    assert codes_for(demand) == {Code.DELIVER_BY_NOT_IN_FUTURE}


def test_tomorrow_is_the_earliest_deliver_by_date_accepted() -> None:
    accepted(make_demand(deliver_by=TODAY + timedelta(days=1)))


def test_five_years_ahead_is_the_latest_deliver_by_date_accepted() -> None:
    accepted(make_demand(deliver_by=date(2030, 6, 2)))
    message = message_for(make_demand(deliver_by=date(2030, 6, 3)), Code.DELIVER_BY_TOO_FAR)
    assert message == (
        "deliver_by 2030-06-03 is more than 5 years ahead; the latest accepted is 2030-06-02"
    )


def test_five_years_from_a_leap_day_ends_on_the_28th_of_february() -> None:
    leap_day = date(2028, 2, 29)
    accepted(make_demand(deliver_by=date(2033, 2, 28)), today=leap_day)
    assert codes_for(make_demand(deliver_by=date(2033, 3, 1)), today=leap_day) == {
        Code.DELIVER_BY_TOO_FAR
    }


# Price limit


@pytest.mark.parametrize(
    ("price", "code"),
    [
        ("0", Code.MAX_UNIT_PRICE_NOT_POSITIVE),
        ("-33500", Code.MAX_UNIT_PRICE_NOT_POSITIVE),
        ("10000000.0001", Code.MAX_UNIT_PRICE_TOO_LARGE),
        ("1E+12", Code.MAX_UNIT_PRICE_TOO_LARGE),
        ("33500.00001", Code.MAX_UNIT_PRICE_TOO_PRECISE),
        ("NaN", Code.MAX_UNIT_PRICE_NOT_A_NUMBER),
        ("Infinity", Code.MAX_UNIT_PRICE_NOT_A_NUMBER),
    ],
)
def test_a_price_limit_that_is_not_positive_absurd_or_too_precise_is_rejected(
    price: str, code: RejectionCode
) -> None:
    assert codes_for(make_demand(max_unit_price=Decimal(price))) == {code}


def test_a_price_limit_at_the_sanity_ceiling_is_accepted() -> None:
    accepted(make_demand(max_unit_price=Decimal("10000000.0000")))


def test_the_absurd_price_message_names_the_ceiling_per_mineral_unit() -> None:
    demand = make_demand(max_unit_price=Decimal("2E+7"))
    assert message_for(demand, Code.MAX_UNIT_PRICE_TOO_LARGE) == (
        "max_unit_price 2E+7 is above 10000000 USD per t, the sanity ceiling"
    )


# Several faults at once


def test_a_demand_with_many_faults_is_rejected_with_every_reason() -> None:
    demand = DemandInput(
        manufacturer_id="",
        request_id="bad id",
        mineral="cobalt",
        quantity=Decimal("-1.5555"),
        unit="kg",
        deliver_by=TODAY,
        max_unit_price=Decimal(0),
    )
    assert [reason.code for reason in reasons_for(demand)] == [
        Code.MANUFACTURER_ID_EMPTY,
        Code.REQUEST_ID_MALFORMED,
        Code.WRONG_UNIT,
        Code.QUANTITY_NOT_POSITIVE,
        Code.QUANTITY_TOO_PRECISE,
        Code.DELIVER_BY_NOT_IN_FUTURE,
        Code.MAX_UNIT_PRICE_NOT_POSITIVE,
    ]


def test_every_reason_names_the_field_at_fault() -> None:
    demand = make_demand(
        manufacturer_id="",
        mineral="unobtainium",
        unit="oz",
        quantity=Decimal(0),
        deliver_by=TODAY,
        max_unit_price=Decimal(-1),
    )
    assert [reason.field for reason in reasons_for(demand)] == [
        "manufacturer_id",
        "mineral",
        "unit",
        "quantity",
        "deliver_by",
        "max_unit_price",
    ]


def test_a_field_the_adapter_could_not_read_is_reported_in_place_of_its_checks() -> None:
    unreadable = Reason(Code.MISSING, "quantity is missing", "quantity")
    demand = make_demand(quantity=Decimal(-1), unit="kg")
    result = validate_demand(demand, CATALOGUE, TODAY, {"quantity": unreadable})
    assert isinstance(result, RejectedDemand)
    assert result.reasons == (
        Reason(Code.WRONG_UNIT, "cobalt is ordered in t (tonnes), not 'kg'", "unit"),
        unreadable,
    )


def test_a_rejection_carries_the_ids_it_was_sent_with() -> None:
    result = validate_demand(make_demand(mineral="nope"), CATALOGUE, TODAY)
    assert isinstance(result, RejectedDemand)
    assert (result.manufacturer_id, result.request_id) == ("acme-batteries", "PO-2025-0001")


def test_a_hostile_value_is_quoted_back_clipped() -> None:
    message = message_for(make_demand(mineral="x" * 10_000), Code.UNKNOWN_MINERAL)
    assert message == f"unknown mineral '{'x' * 40}...'; use a catalogue mineral id"


@pytest.mark.parametrize(
    ("written", "suggestion"),
    [
        ("nikel", "did you mean nickel?"),
        ("coal", "did you mean cobalt or metallurgical_coal?"),
        ("litium", "did you mean lithium, titanium or platinum?"),
        ("neodymium oxide", "did you mean neodymium?"),
        ("platinum sponge", "did you mean platinum?"),
    ],
)
def test_an_unknown_mineral_is_pointed_at_a_similar_or_word_sharing_id(
    written: str, suggestion: str
) -> None:
    message = message_for(make_demand(mineral=written), Code.UNKNOWN_MINERAL)
    assert message.endswith(suggestion)
