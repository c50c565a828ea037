"""The tier policy as shipped: versioned data in ``policy.json``, loaded into the domain's TierPolicy.

Ops change the table (a new ``version``) without touching code; ``VAULT_SOURCING_POLICY``
points at another file when the program adopts one before a release ships it.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.sourcing.domain import Phase, Tier, TierPolicy

Country = str


class PolicyFile(BaseModel):
    """The file's shape: unknown keys are refused, so a typo cannot silently drop a rule."""

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
