"""What access's handlers and routes are given: the running service and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.http.context import Clock, utc_now
from shared.service import Service


@dataclass(frozen=True)
class Access:
    service: Service
    clock: Clock = field(default=utc_now)
