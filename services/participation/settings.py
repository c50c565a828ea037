"""Participation's settings: the shared ones, plus how often commitments are paced."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings

NAME = "participation"
MAX_BODY_BYTES = 64 * 1024


class ParticipationSettings(ServiceSettings):
    pace_every_s: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        alias="VAULT_PARTICIPATION_PACE_S",
        description="seconds between two pacing passes over the commitments not yet covered",
    )
    commitment_lead_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        alias="VAULT_COMMITMENT_LEAD_DAYS",
        description="deliver_by of commitment demand = the pass's day + this (at most the period's end)",
    )


def participation_settings(settings: ServiceSettings | None = None) -> ParticipationSettings:
    return ParticipationSettings.widened(settings)
