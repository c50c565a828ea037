"""Inventory's settings: the service's own, plus how far ahead replenishment is due."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings

NAME = "inventory"


class InventorySettings(ServiceSettings):
    replenishment_lead_days: int = Field(
        default=60,
        ge=1,
        le=3650,
        alias="VAULT_REPLENISHMENT_LEAD_DAYS",
        description="deliver_by of a replenishment demand = release day + this many days",
    )


def inventory_settings(settings: ServiceSettings | None) -> InventorySettings:
    """Widen plain service settings (as tests and the launcher give them) to inventory's."""
    if settings is None:
        return InventorySettings()
    if isinstance(settings, InventorySettings):
        return settings
    return InventorySettings(**settings.model_dump())
