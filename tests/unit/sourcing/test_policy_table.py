from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.sourcing.domain import is_excluded, tier_of
from services.sourcing.settings import load_policy, parse_policy
from shared.contracts import Phase, Tier


def test_the_shipped_policy_puts_the_us_first_then_its_allies_then_everyone_else() -> None:
    policy = load_policy()

    assert policy.version == "2026-03-01"
    assert policy.domestic_premium_cap == Decimal("0.25")
    assert tier_of(policy, "US") is Tier.DOMESTIC
    for ally in ("CA", "AU", "JP", "GB", "KR", "NO", "DE", "FR", "NZ"):
        assert tier_of(policy, ally) is Tier.ALLIED, ally
    for other in ("CN", "CD", "ID", "CL", "BR"):
        assert tier_of(policy, other) is Tier.OTHER, other


def test_the_shipped_policy_takes_china_in_initial_fill_and_never_sanctioned_origins() -> None:
    policy = load_policy()

    assert not is_excluded(policy, Phase.INITIAL_FILL, "CN")
    assert not is_excluded(policy, Phase.REPLENISHMENT, "CN")
    for phase in Phase:
        assert is_excluded(policy, phase, "KP")
        assert is_excluded(policy, phase, "IR")
    assert is_excluded(policy, Phase.REPLENISHMENT, "RU")
    assert not is_excluded(policy, Phase.INITIAL_FILL, "RU")


def _policy_text(**changes: str) -> str:
    fields = {
        "version": '"v9"',
        "domestic": '["US"]',
        "allied": '["CA"]',
        "domestic_premium_cap": '"0.10"',
        "excluded": '{"replenishment": ["RU"]}',
    }
    fields.update(changes)
    return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"


def test_a_policy_file_is_read_as_exact_decimals() -> None:
    policy = parse_policy(_policy_text())

    assert policy.domestic_premium_cap == Decimal("0.10")
    assert policy.excluded[Phase.REPLENISHMENT] == frozenset({"RU"})


@pytest.mark.parametrize(
    "changes",
    [
        {"allied": '["CA", "US"]'},  # a country in two tiers
        {"excluded": '{"wartime": ["RU"]}'},  # no such phase
        {"domestic_premium_cap": '"-0.1"'},
        {"domestic": "[]"},
        {"tiers": "{}"},  # unknown key: a typo must not drop a rule silently
    ],
)
def test_a_malformed_policy_file_is_refused(changes: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        parse_policy(_policy_text(**changes))


def test_a_policy_with_a_malformed_country_is_refused() -> None:
    with pytest.raises(ValueError, match="country"):
        parse_policy(_policy_text(allied='["canada"]'))
