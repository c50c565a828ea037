"""The tier policy: which origin counts as domestic, allied or other, as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from services.sourcing.domain.values import (
    TIER_PREFERENCE,
    require_country,
    require_decimal,
    require_text,
)
from shared.contracts import Phase, Tier


@dataclass(frozen=True, slots=True, kw_only=True)
class TierPolicy:
    """A dated, versioned country -> tier table the program can change without a release.

    `domestic_premium_cap` is a fraction: Decimal("0.25") lets a domestic offer cost
    up to 25% more than the best eligible allied offer and still be preferred.
    Countries absent from `tiers` are `other`. `excluded` lists, per phase, the
    origins no offer may come from in that phase.
    """

    version: str
    tiers: Mapping[str, Tier]
    domestic_premium_cap: Decimal
    excluded: Mapping[Phase, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_text(self.version, "policy version")
        require_decimal(self.domestic_premium_cap, "domestic premium cap", positive=False)
        for country, tier in self.tiers.items():
            require_country(country, "policy country")
            if not isinstance(tier, Tier):
                raise TypeError(f"tier of {country} must be a Tier, got {tier!r}")
        for countries in self.excluded.values():
            for country in countries:
                require_country(country, "excluded country")
        # Frozen in place so a policy handed to a decision cannot change under it.
        object.__setattr__(self, "tiers", MappingProxyType(dict(self.tiers)))
        object.__setattr__(
            self,
            "excluded",
            MappingProxyType({phase: frozenset(cs) for phase, cs in self.excluded.items()}),
        )


def tier_of(policy: TierPolicy, country: str) -> Tier:
    """The tier of an origin country under `policy`; unknown countries are `other`."""
    tier = policy.tiers.get(country)
    if tier is None:  # rarely taken: offers' countries are already upper case
        tier = policy.tiers.get(country.upper(), Tier.OTHER)
    return tier


def is_excluded(policy: TierPolicy, phase: Phase, country: str) -> bool:
    return country.upper() in policy.excluded.get(phase, frozenset())


def tier_preference(phase: Phase) -> tuple[Tier, ...]:
    """The tier order a specialist is asked to respect; empty means any origin."""
    if phase is Phase.REPLENISHMENT:
        return TIER_PREFERENCE
    return ()


def excluded_origins(policy: TierPolicy, phase: Phase) -> frozenset[str]:
    return policy.excluded.get(phase, frozenset())
