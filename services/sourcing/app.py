"""Wiring: the sourcing service (consumers, sweeper, migrations) and its HTTP API."""

from __future__ import annotations

from services.sourcing.api import create_api
from services.sourcing.consumers import INPUT_TOPICS, OUTPUT_TOPICS, SERVICE, build_router
from services.sourcing.expiry import Sweeper
from services.sourcing.handlers.deps import Sourcing
from services.sourcing.placement import Placer
from services.sourcing.policy_table import load_policy
from services.sourcing.settings import sourcing_settings
from shared.catalogue import load_catalogue
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(
    settings: ServiceSettings | None = None, *, configure_logging: bool = True
) -> Service:
    config = sourcing_settings(settings)
    placer = Placer(policy=load_policy(config.policy_path), leg_ttl=config.leg_ttl)
    sourcing = Sourcing(placer=placer, catalogue=load_catalogue())
    sweeper = Sweeper(sourcing, config.leg_sweep_s)
    service = Service(
        SERVICE,
        routers=[build_router(sourcing)],
        topics=[*INPUT_TOPICS, *OUTPUT_TOPICS],
        migrations=["services.sourcing"],
        settings=config,
        on_ready=[sweeper.start],
        configure_logging=configure_logging,
    )
    # Stopped before the broker and the pool close, so no sweep runs against a closed pool.
    service.app.on_shutdown(sweeper.stop)
    return service
