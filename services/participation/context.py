"""What participation's handlers and routes are given: the service, the pacing policy, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from services.participation.domain.pacing import PacingPolicy, load_policy
from shared.catalogue import Catalogue, load_catalogue
from shared.http.context import Clock, utc_now
from shared.service import Service


@dataclass(frozen=True)
class Participation:
    service: Service
    pace_every_s: float = 60.0
    commitment_lead_days: int = 90
    pacing: PacingPolicy = field(default_factory=load_policy)
    catalogue: Catalogue = field(default_factory=load_catalogue)
    clock: Clock = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(UTC).date()
