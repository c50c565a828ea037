"""What every handler needs besides its connection: the policy, the catalogue, a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.sourcing.domain import TierPolicy
from services.sourcing.placement import Placer
from shared.catalogue import Catalogue


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Sourcing:
    placer: Placer
    catalogue: Catalogue
    clock: Callable[[], datetime] = field(default=utc_now)

    @property
    def policy(self) -> TierPolicy:
        return self.placer.policy

    def now(self) -> datetime:
        return self.clock()
