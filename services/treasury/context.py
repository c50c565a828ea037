"""What treasury's handlers and routes are given: the running service, the clock, the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from shared.catalogue import Catalogue, load_catalogue
from shared.http.context import Clock, utc_now
from shared.service import Service


@dataclass(frozen=True)
class Treasury:
    service: Service
    clock: Clock = field(default=utc_now)
    catalogue: Catalogue = field(default_factory=load_catalogue)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(UTC).date()
