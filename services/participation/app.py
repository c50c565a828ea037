"""Wiring only: participation's service (consumers, pacing) and its HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from services.participation import consumers
from services.participation.api import agreements, book, disruptions
from services.participation.context import Participation
from services.participation.handlers import pace_commitments, refresh_gauges
from services.participation.settings import MAX_BODY_BYTES, NAME, participation_settings
from shared.contracts import (
    AgreementSet,
    CommitmentDemanded,
    DisruptionDeclared,
    DisruptionEnded,
    ObligationClosed,
    ObligationCreated,
)
from shared.http.app import create_api as create_http_api
from shared.service import Service
from shared.settings import ServiceSettings

__all__ = ["create_api", "create_service"]


def create_service(settings: ServiceSettings | None = None) -> Service:
    widened = participation_settings(settings)
    service = Service(
        NAME,
        emits=[
            AgreementSet,
            DisruptionDeclared,
            DisruptionEnded,
            CommitmentDemanded,
            ObligationCreated,
            ObligationClosed,
        ],
        migrations=["services.participation"],
        settings=widened,
        background=[pace_commitments.pacing, refresh_gauges.gauges],
    )
    service.context = Participation(
        service,
        pace_every_s=widened.pace_every_s,
        commitment_lead_days=widened.commitment_lead_days,
    )
    service.subscribe(consumers.subscriptions(service.context))
    return service


def create_api(service: Service) -> FastAPI:
    return create_http_api(
        title="Vault participation",
        description=(
            "The program's book of participation: manufacturers' agreements (commitments, set"
            " prices, consumption, draw rights), disruptions, coverage against target, and the"
            " obligations draws owe back. Quantities are decimal text; errors are RFC 9457."
        ),
        context=service.context,
        routers=[agreements.router, disruptions.router, book.router],
        max_body_bytes=MAX_BODY_BYTES,
    )
