"""What the gateway's handlers and routes are given: the service, its limits, the catalogue,
the clock, and the bell that wakes long-polls of legs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from services.trader_gateway.api.limits import Limiter, RatePolicy
from services.trader_gateway.settings import GatewaySettings
from shared.catalogue import Catalogue, load_catalogue
from shared.http.context import Clock, utc_now
from shared.service import Service

FALLBACK_S = 1.0


class LegBell:
    """Wakes a trader's long-poll of its legs when legs are routed to it in this process.

    Rung once the batch that stored the legs has committed, so a woken listing sees them.
    Replicas do not hear each other's bells: a waiting listing also looks again every
    ``FALLBACK_S``, so a leg another replica stored is seen within that at worst.
    """

    def __init__(self) -> None:
        self._listening: dict[str, set[asyncio.Event]] = {}

    def ring(self, trader_ids: Iterable[str]) -> None:
        for trader_id in set(trader_ids):
            for rung in self._listening.get(trader_id, ()):
                rung.set()

    def routed(self, events: Sequence[Any]) -> None:
        """``leg.routed`` events have committed: wake their traders' listings."""
        self.ring(event.payload.trader_id for event in events)

    @contextmanager
    def listening(self, trader_id: str) -> Iterator[asyncio.Event]:
        rung = asyncio.Event()
        self._listening.setdefault(trader_id, set()).add(rung)
        try:
            yield rung
        finally:
            waiting = self._listening.get(trader_id, set())
            waiting.discard(rung)
            if not waiting:
                self._listening.pop(trader_id, None)

    async def wait(self, rung: asyncio.Event, timeout_s: float) -> None:
        """Until rung or ``timeout_s`` (at most ``FALLBACK_S``) has passed; then clear."""
        with suppress(TimeoutError):
            async with asyncio.timeout(min(timeout_s, FALLBACK_S)):
                await rung.wait()
        rung.clear()


@dataclass(frozen=True)
class Gateway:
    service: Service
    settings: GatewaySettings
    catalogue: Catalogue
    # Token buckets in this process: per API key, and failed logins per client address.
    keys: Limiter
    auth_failures: Limiter
    clock: Clock = field(default=utc_now)
    # Wakes long-polls of /v1/legs when legs are routed (shared by every API over the service).
    bell: LegBell = field(default_factory=LegBell)

    @classmethod
    def of(
        cls,
        service: Service,
        settings: GatewaySettings,
        clock: Clock = utc_now,
        bell: LegBell | None = None,
    ) -> Gateway:
        return cls(
            service=service,
            settings=settings,
            catalogue=load_catalogue(),
            keys=Limiter(RatePolicy(settings.rate_per_second, settings.rate_burst)),
            auth_failures=Limiter(
                RatePolicy(settings.auth_failures_per_second, settings.auth_failure_burst)
            ),
            clock=clock,
            bell=bell or LegBell(),
        )
