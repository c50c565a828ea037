"""Demand's settings: the shared ones (``shared.settings``), and the manufacturers whose own
intake topics it reads; its name, fixed."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings

NAME = "demand"

# A demand is a few hundred bytes; anything far bigger is a mistake or an attack.
MAX_BODY_BYTES = 16 * 1024


class DemandSettings(ServiceSettings):
    intake_manufacturers: str = Field(
        default="",
        alias="VAULT_DEMAND_INTAKE_MANUFACTURERS",
        description=(
            "comma-separated manufacturer ids: demand reads vault.demand.from.<id> for each"
            " (the secure profile's per-manufacturer intakes; the launcher sets it)"
        ),
    )

    def intakes(self) -> list[str]:
        return sorted({m.strip() for m in self.intake_manufacturers.split(",") if m.strip()})


def demand_settings(settings: ServiceSettings | None = None) -> DemandSettings:
    return DemandSettings.widened(settings)
