"""What the console's pages and its sampler are given: settings, one HTTP client, the
recent samples of every service's metrics, a short cache of dead letters, the operators
signed in, the clock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from services.console.domain.metrics import Snapshot
from services.console.domain.sessions import SessionBook
from services.console.settings import ConsoleSettings
from shared.http.context import Clock, utc_now


@dataclass
class Cached:
    at: datetime
    value: object


@dataclass
class Console:
    settings: ConsoleSettings
    clock: Clock = field(default=utc_now)
    history: deque[Snapshot] = field(default_factory=deque)
    cache: dict[str, Cached] = field(default_factory=dict)
    sessions: SessionBook = field(init=False)
    _http: httpx.AsyncClient | None = None

    def __post_init__(self) -> None:
        self.history = deque(self.history, maxlen=self.settings.history)
        self.sessions = SessionBook(self.settings.session_ttl_s)

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("console: the HTTP client is opened at start-up")
        return self._http

    async def open(self) -> None:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.settings.request_timeout_s)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def latest(self) -> Snapshot | None:
        return self.history[-1] if self.history else None

    def window(self, seconds: float) -> list[Snapshot]:
        """The samples of the last ``seconds`` (at least the last two, when there are two)."""
        if not self.history:
            return []
        since = self.history[-1].at - timedelta(seconds=seconds)
        recent = [s for s in self.history if s.at >= since]
        return recent if len(recent) >= 2 else list(self.history)[-2:]

    def cached(self, key: str, max_age_s: float) -> object | None:
        hit = self.cache.get(key)
        if hit is None or (self.clock() - hit.at).total_seconds() > max_age_s:
            return None
        return hit.value

    def keep(self, key: str, value: object) -> None:
        self.cache[key] = Cached(self.clock(), value)
