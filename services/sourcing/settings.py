"""Sourcing's settings: the shared ones, how long legs stay with a trader, and the tier policy.

The tier policy is data ops change without touching code: ``policy.json`` as shipped
(a new ``version`` for every change), or the file ``VAULT_SOURCING_POLICY`` names when
the program adopts one before a release ships it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.sourcing.domain import TierPolicy
from shared.contracts import Phase, Tier
from shared.settings import ServiceSettings

NAME = "sourcing"

Country = str


class SourcingSettings(ServiceSettings):
    leg_ttl_s: float = Field(
        default=86_400.0,
        gt=0,
        alias="VAULT_LEG_TTL_S",
        description="how long a leg stays with its trader (its deadline, never past the end "
        "of the order's delivery day); the gateway expires it then and sourcing cascades "
        "what it left undone",
    )
    leg_sweep_s: float = Field(
        default=2.0,
        gt=0,
        alias="VAULT_LEG_SWEEP_S",
        description="how often orders past delivery and phases coming into force are looked for",
    )
    policy_path: str | None = Field(
        default=None,
        alias="VAULT_SOURCING_POLICY",
        description="a tier policy JSON file to use instead of the one shipped",
    )

    @property
    def leg_ttl(self) -> timedelta:
        return timedelta(seconds=self.leg_ttl_s)


def sourcing_settings(settings: ServiceSettings | None = None) -> SourcingSettings:
    """Sourcing's settings from the shared ones (the rest from the environment)."""
    return SourcingSettings.widened(settings)


class PolicyFile(BaseModel):
    """The policy file's shape: unknown keys are refused, so a typo cannot silently drop a rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1, max_length=64)
    notes: list[str] = Field(default_factory=list)
    domestic: list[Country] = Field(min_length=1)
    allied: list[Country] = Field(default_factory=list)
    domestic_premium_cap: Decimal = Field(ge=0, le=10)
    excluded: dict[Phase, list[Country]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_tier_per_country(self) -> PolicyFile:
        both = set(self.domestic) & set(self.allied)
        if both:
            raise ValueError(f"countries both domestic and allied: {sorted(both)}")
        return self

    def to_policy(self) -> TierPolicy:
        tiers = {c: Tier.ALLIED for c in self.allied} | {c: Tier.DOMESTIC for c in self.domestic}
        return TierPolicy(
            version=self.version,
            tiers=tiers,
            domestic_premium_cap=self.domestic_premium_cap,
            excluded={phase: frozenset(countries) for phase, countries in self.excluded.items()},
        )


def parse_policy(text: str) -> TierPolicy:
    """A TierPolicy from the JSON text; the domain re-checks every country code."""
    return PolicyFile.model_validate_json(text).to_policy()


def load_policy(path: str | Path | None = None) -> TierPolicy:
    """The policy at ``path``, or the one shipped with the service."""
    if path is None:
        text = resources.files("services.sourcing").joinpath("policy.json").read_text()
    else:
        text = Path(path).read_text()
    return parse_policy(text)
