"""What demand's handlers and routes are given: the running service and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date

from shared.http.context import Clock, utc_now
from shared.service import Service


@dataclass(frozen=True)
class Demand:
    service: Service
    clock: Clock = field(default=utc_now)

    def today(self) -> date:
        """Delivery dates are judged against the UTC calendar, whoever sends them."""
        return self.clock().astimezone(UTC).date()
