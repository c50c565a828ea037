"""Wiring only: access's service (principals, keys, bootstrap) and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.access.api import me, principals
from services.access.context import Access
from services.access.handlers import keys
from services.access.settings import MAX_BODY_BYTES, NAME, access_settings
from shared.contracts import CredentialIssued, CredentialRevoked
from shared.http.app import create_api as create_http_api
from shared.http.context import utc_now
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


async def issue_bootstrap_keys(service: Service) -> None:
    """At start-up: the deployment's first keys (hashes from VAULT_BOOTSTRAP_KEYS), once."""
    async with service.transaction() as conn:
        await keys.bootstrap(conn, service.bootstrap_keys, utc_now())


def create_service(settings: ServiceSettings | None = None) -> Service:
    # Reads vault.program.credentials too (its own events): the copy its API verifies with.
    service = Service(
        NAME,
        emits=[CredentialIssued, CredentialRevoked],
        migrations=["services.access"],
        settings=access_settings(settings),
        background=[issue_bootstrap_keys],
    )
    service.context = Access(service)
    return service


def create_api(service: Service) -> FastAPI:
    return create_http_api(
        title="Vault access",
        description=(
            "Principals (manufacturers, ops users, service clients) and their API keys: "
            "issued, rotated, revoked here, verified by every service from the events."
        ),
        context=service.context,
        routers=[principals.router, me.router],
        max_body_bytes=MAX_BODY_BYTES,
    )
