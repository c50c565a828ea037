"""Inventory's settings: the shared ones (``shared.settings``), plus when replenishment is due
and how far above what the released lots cost it may be bought."""

from __future__ import annotations

from decimal import Decimal

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
    replenishment_price_headroom: Decimal = Field(
        default=Decimal("0.25"),
        ge=0,
        le=10,
        alias="VAULT_REPLENISHMENT_PRICE_HEADROOM",
        description="a replenishment's limit price = the dearest lot drawn x (1 + this); "
        "interim, until participation agreements set the price",
    )


def inventory_settings(settings: ServiceSettings | None = None) -> InventorySettings:
    """Widen plain service settings (as tests and the launcher give them) to inventory's."""
    return InventorySettings.widened(settings)
