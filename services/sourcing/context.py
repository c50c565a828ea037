"""What sourcing's handlers and routes are given: the service, its rules, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.sourcing.domain import TierPolicy
from shared.catalogue import Catalogue
from shared.http.context import Clock, utc_now
from shared.service import Service


@dataclass(frozen=True)
class Sourcing:
    service: Service
    policy: TierPolicy
    catalogue: Catalogue
    leg_ttl: timedelta
    """How long a leg stays with its trader (never past the order's delivery day)."""
    sweep_every_s: float
    """How often orders past delivery and phases coming into force are looked for."""
    clock: Clock = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()
