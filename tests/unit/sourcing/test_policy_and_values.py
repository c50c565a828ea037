from datetime import datetime
from decimal import Decimal

import pytest

from services.sourcing.domain import (
    InvalidValue,
    Offer,
    ProcurementRequest,
    TierPolicy,
    is_excluded,
    tier_of,
    tier_preference,
)
from shared.contracts import NaiveDatetime, Phase, Tier

from .builders import DELIVER_BY, offer, policy


def test_the_tier_of_a_country_comes_from_the_policy_table() -> None:
    assert tier_of(policy(), "US") is Tier.DOMESTIC
    assert tier_of(policy(), "CA") is Tier.ALLIED


def test_a_country_missing_from_the_table_is_other() -> None:
    assert tier_of(policy(), "ZZ") is Tier.OTHER


def test_a_country_excluded_in_one_phase_is_not_excluded_in_the_other() -> None:
    tiers = policy(excluded={Phase.REPLENISHMENT: frozenset({"RU"})})

    assert is_excluded(tiers, Phase.REPLENISHMENT, "RU")
    assert not is_excluded(tiers, Phase.INITIAL_FILL, "RU")


def test_replenishment_mandates_prefer_domestic_then_allied_and_initial_fill_any_origin() -> None:
    assert tier_preference(Phase.REPLENISHMENT) == (Tier.DOMESTIC, Tier.ALLIED, Tier.OTHER)
    assert tier_preference(Phase.INITIAL_FILL) == ()


def test_a_policy_cannot_be_changed_once_made() -> None:
    table = {"US": Tier.DOMESTIC}
    tiers = TierPolicy(version="v1", tiers=table, domestic_premium_cap=Decimal("0.1"))

    table["CN"] = Tier.DOMESTIC

    assert tier_of(tiers, "CN") is Tier.OTHER


def test_a_negative_premium_cap_is_refused() -> None:
    with pytest.raises(InvalidValue, match="cap"):
        TierPolicy(version="v1", tiers={}, domestic_premium_cap=Decimal("-0.1"))


def test_a_policy_country_must_be_an_upper_case_alpha_2_code() -> None:
    with pytest.raises(InvalidValue, match="country"):
        TierPolicy(version="v1", tiers={"usa": Tier.DOMESTIC}, domestic_premium_cap=Decimal(0))


def test_a_float_price_is_refused() -> None:
    with pytest.raises(InvalidValue, match="Decimal"):
        ProcurementRequest(
            request_id="r",
            mineral="cobalt",
            market="cobalt",
            quantity=Decimal(1),
            limit_price=1.5,  # type: ignore[arg-type]
            deliver_by=DELIVER_BY,
        )


def test_a_zero_quantity_offer_is_refused() -> None:
    with pytest.raises(InvalidValue, match="positive"):
        offer("nothing", quantity="0")


def test_an_offer_valid_until_a_naive_time_is_refused() -> None:
    with pytest.raises(NaiveDatetime, match="time zone"):
        Offer(
            offer_id="x",
            trader_id="t",
            mineral="cobalt",
            origin_country="US",
            quantity=Decimal(1),
            unit_price=Decimal(1),
            warehouse="w",
            available_on=DELIVER_BY,
            valid_until=datetime(2026, 1, 1),
        )
