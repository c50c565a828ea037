"""What routes need from the running service, kept on ``app.state`` and handed out by Depends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
from fastapi import Request

from services.trader_gateway.api.limits import Limiter
from services.trader_gateway.settings import GatewaySettings
from shared.catalogue import Catalogue
from shared.service import Service


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Gateway:
    service: Service
    settings: GatewaySettings
    catalogue: Catalogue
    keys: Limiter
    auth_failures: Limiter
    clock: Callable[[], datetime] = field(default=_utc_now)

    @property
    def pool(self) -> asyncpg.Pool:
        # Read on each request: the service opens the pool at start-up, after the API is built.
        return self.service.pool


def gateway(request: Request) -> Gateway:
    found: Gateway = request.app.state.gateway
    return found
