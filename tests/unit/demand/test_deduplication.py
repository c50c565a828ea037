from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.demand.domain import DemandKey, classify_resend, demand_fingerprint
from tests.unit.demand.builders import make_demand


def fingerprint(**changes: Any) -> str:
    return demand_fingerprint(make_demand(**changes))


def test_a_demand_never_seen_under_its_key_is_new() -> None:
    assert classify_resend(None, fingerprint()) == "new"


def test_the_same_content_sent_again_is_a_duplicate() -> None:
    assert classify_resend(fingerprint(), fingerprint()) == "duplicate"


def test_different_content_under_a_key_already_used_is_a_conflict() -> None:
    assert classify_resend(fingerprint(), fingerprint(quantity=Decimal(121))) == "conflict"


def test_a_demand_is_identified_by_manufacturer_and_its_request_id() -> None:
    assert make_demand().key == DemandKey("acme-batteries", "PO-2025-0001")


def test_the_fingerprint_is_a_sha256_hex_digest_pinned_to_its_canonical_form() -> None:
    # Stored fingerprints outlive deployments: a change here turns resends into conflicts.
    # sha256 of the ASCII text ["cobalt","1205E-1","t","2025-09-30","335E2"]
    assert fingerprint() == "56333a5777090be0d16844e52ed34f40d5372443429abe7866460f26bfa33b81"


@pytest.mark.parametrize(
    ("quantity", "same_as"), [("10", "10.00"), ("10", "1E+1"), ("0.50", ".5"), ("-0", "0.000")]
)
def test_the_fingerprint_ignores_how_a_decimal_is_written(quantity: str, same_as: str) -> None:
    assert fingerprint(quantity=Decimal(quantity)) == fingerprint(quantity=Decimal(same_as))


def test_the_fingerprint_ignores_how_a_price_limit_is_written() -> None:
    assert fingerprint(max_unit_price=Decimal("33500")) == fingerprint(
        max_unit_price=Decimal("33500.0000")
    )


def test_the_fingerprint_ignores_case_and_spacing_of_mineral_and_unit() -> None:
    assert fingerprint(mineral=" Cobalt ", unit="T ") == fingerprint(mineral="cobalt", unit="t")


def test_the_fingerprint_treats_a_datetime_as_its_date() -> None:
    assert fingerprint(deliver_by=datetime(2025, 9, 30, 23, 59)) == fingerprint(
        deliver_by=date(2025, 9, 30)
    )


def test_the_fingerprint_ignores_the_ids_because_they_are_the_key() -> None:
    assert fingerprint(manufacturer_id="other", request_id="r2") == fingerprint()


@pytest.mark.parametrize(
    "change",
    [
        {"mineral": "lithium"},
        {"quantity": Decimal("120.51")},
        {"unit": "kg"},
        {"deliver_by": date(2025, 10, 1)},
        {"max_unit_price": None},
        {"max_unit_price": Decimal("33500.01")},
    ],
)
def test_the_fingerprint_changes_with_any_field_of_content(change: dict[str, Any]) -> None:
    assert fingerprint(**change) != fingerprint()


def test_a_huge_exponent_is_fingerprinted_without_expanding_it() -> None:
    assert fingerprint(quantity=Decimal("1E+999999999")) != fingerprint(quantity=Decimal("1E+99"))
