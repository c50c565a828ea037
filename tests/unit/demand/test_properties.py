from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.demand.domain import (
    ID_MAX_LENGTH,
    MAX_UNIT_PRICE_USD,
    AcceptedDemand,
    DemandInput,
    RejectedDemand,
    RejectionCode,
    classify_resend,
    demand_fingerprint,
    validate_demand,
)
from shared.catalogue import Mineral
from tests.unit.demand.builders import CATALOGUE, TODAY

ids = st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True)
minerals = st.sampled_from(list(CATALOGUE))
future_dates = st.integers(1, 5 * 365).map(lambda days: TODAY + timedelta(days=days))
prices = st.none() | st.decimals(
    min_value=Decimal("0.0001"), max_value=MAX_UNIT_PRICE_USD, places=4
)


@st.composite
def valid_demands(draw: st.DrawFn) -> DemandInput:
    mineral: Mineral = draw(minerals)
    quantity = draw(
        st.decimals(min_value=Decimal("0.001"), max_value=mineral.max_order_quantity, places=3)
    )
    return DemandInput(
        manufacturer_id=draw(ids),
        request_id=draw(ids),
        mineral=mineral.id,
        quantity=quantity,
        unit=str(mineral.unit),
        deliver_by=draw(future_dates),
        max_unit_price=draw(prices),
    )


# Any Decimal at all, including huge exponents and long digit strings.
any_decimals = st.decimals() | st.tuples(
    st.integers(0, 1),
    st.lists(st.integers(0, 9), min_size=1, max_size=60).map(tuple),
    st.integers(-(10**9), 10**9),
).map(Decimal)


@st.composite
def arbitrary_demands(draw: st.DrawFn) -> DemandInput:
    return DemandInput(
        manufacturer_id=draw(st.text() | ids),
        request_id=draw(st.text() | ids),
        mineral=draw(st.text() | minerals.map(lambda m: m.name)),
        quantity=draw(any_decimals),
        unit=draw(st.text(max_size=4) | st.sampled_from(["t", "kg"])),
        deliver_by=draw(st.dates()),
        max_unit_price=draw(st.none() | any_decimals),
    )


def with_trailing_zeros(value: Decimal, zeros: int) -> Decimal:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, (*digits, *[0] * zeros), exponent - zeros))


@given(valid_demands())
def test_any_valid_demand_built_from_the_catalogue_is_accepted_into_its_market(
    demand: DemandInput,
) -> None:
    result = validate_demand(demand, CATALOGUE, TODAY)
    assert isinstance(result, AcceptedDemand), result
    mineral = CATALOGUE.get(demand.mineral)
    assert mineral is not None
    assert (result.market, result.unit, result.quantity) == (
        mineral.market,
        mineral.unit,
        demand.quantity,
    )


@given(valid_demands(), st.integers(1, 30))
def test_the_fingerprint_is_the_same_however_many_trailing_zeros_a_decimal_has(
    demand: DemandInput, zeros: int
) -> None:
    padded = replace(demand, quantity=with_trailing_zeros(demand.quantity, zeros))
    assert padded.quantity == demand.quantity
    assert demand_fingerprint(padded) == demand_fingerprint(demand)
    assert classify_resend(demand_fingerprint(demand), demand_fingerprint(padded)) == "duplicate"


@given(valid_demands(), st.decimals(max_value=Decimal(0), allow_nan=False, allow_infinity=False))
def test_any_quantity_of_zero_or_less_is_rejected(demand: DemandInput, quantity: Decimal) -> None:
    result = validate_demand(replace(demand, quantity=quantity), CATALOGUE, TODAY)
    assert isinstance(result, RejectedDemand)
    assert RejectionCode.QUANTITY_NOT_POSITIVE in {reason.code for reason in result.reasons}


@given(valid_demands(), st.integers(1, 10**6))
def test_any_quantity_above_the_mineral_ceiling_is_rejected(
    demand: DemandInput, excess_in_thousandths: int
) -> None:
    mineral = CATALOGUE.get(demand.mineral)
    assert mineral is not None
    quantity = mineral.max_order_quantity + Decimal(excess_in_thousandths).scaleb(-3)
    result = validate_demand(replace(demand, quantity=quantity), CATALOGUE, TODAY)
    assert isinstance(result, RejectedDemand)
    assert [reason.code for reason in result.reasons] == [RejectionCode.QUANTITY_TOO_LARGE]


@given(arbitrary_demands(), st.dates(max_value=date(9000, 1, 1)))
def test_validation_never_raises_and_explains_every_rejection_briefly(
    demand: DemandInput, today: date
) -> None:
    result = validate_demand(demand, CATALOGUE, today)
    if isinstance(result, RejectedDemand):
        codes = [reason.code for reason in result.reasons]
        assert codes
        assert len(codes) == len(set(codes))
        assert all(0 < len(reason.message) <= 300 for reason in result.reasons)
    else:
        assert result.mineral in CATALOGUE
        assert len(result.manufacturer_id) <= ID_MAX_LENGTH


@given(arbitrary_demands())
def test_any_demand_has_a_fingerprint_even_a_hostile_one(demand: DemandInput) -> None:
    fingerprint = demand_fingerprint(demand)
    assert len(fingerprint) == 64
    assert set(fingerprint) <= set("0123456789abcdef")


@given(st.text(), st.text())
def test_a_resend_is_a_duplicate_exactly_when_the_fingerprints_match(
    stored: str, received: str
) -> None:
    assert classify_resend(None, received) == "new"
    assert classify_resend(received, received) == "duplicate"
    expected = "duplicate" if stored == received else "conflict"
    assert classify_resend(stored, received) == expected
