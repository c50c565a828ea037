"""Sourcing's settings: the shared ones, plus how long legs stay with a trader."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from shared.settings import ServiceSettings


class SourcingSettings(ServiceSettings):
    leg_ttl_s: float = Field(
        default=86_400.0,
        gt=0,
        alias="VAULT_LEG_TTL_S",
        description="how long a leg stays with its trader before it expires and cascades "
        "(never past the end of the order's delivery day)",
    )
    leg_sweep_s: float = Field(
        default=2.0,
        gt=0,
        alias="VAULT_LEG_SWEEP_S",
        description="how often overdue legs and orders are looked for",
    )
    policy_path: str | None = Field(
        default=None,
        alias="VAULT_SOURCING_POLICY",
        description="a tier policy JSON file to use instead of the one shipped",
    )

    @property
    def leg_ttl(self) -> timedelta:
        return timedelta(seconds=self.leg_ttl_s)


def sourcing_settings(settings: ServiceSettings | None) -> SourcingSettings:
    """Sourcing's settings from the shared ones (the rest from the environment)."""
    if settings is None:
        return SourcingSettings()  # required fields come from the environment
    if isinstance(settings, SourcingSettings):
        return settings
    return SourcingSettings(**settings.model_dump())
