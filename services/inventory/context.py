"""What inventory's handlers and routes are given: the running service, the clock, the catalogue."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from services.inventory.domain.replenishment import DEFAULT_PRICE_HEADROOM
from shared.catalogue import Catalogue, load_catalogue
from shared.contracts import Unit
from shared.http.context import Clock, utc_now
from shared.service import Service


@dataclass(frozen=True)
class Inventory:
    service: Service
    replenishment_lead_days: int
    replenishment_price_headroom: Decimal = DEFAULT_PRICE_HEADROOM
    clock: Clock = field(default=utc_now)
    catalogue: Catalogue = field(default_factory=load_catalogue)

    def now(self) -> datetime:
        return self.clock()

    @functools.cached_property
    def mineral_units(self) -> Mapping[str, Unit]:
        """The unit each mineral is counted in: a fill in any other is held for ops."""
        return {mineral.id: Unit(mineral.unit.value) for mineral in self.catalogue}
