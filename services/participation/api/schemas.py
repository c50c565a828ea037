"""What participation's HTTP API reads and answers with."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shared.contracts.participation import MineralTerms


class AgreementIn(BaseModel):
    """A manufacturer's agreement: its terms per mineral, in force from ``effective_from``."""

    effective_from: date
    terms: list[MineralTerms] = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def one_term_per_mineral(self) -> AgreementIn:
        minerals = [t.mineral for t in self.terms]
        if len(set(minerals)) != len(minerals):
            raise ValueError("each mineral appears once in an agreement")
        for t in self.terms:
            if t.period_end < t.period_start:
                raise ValueError(f"{t.mineral}: the period ends before it starts")
        return self


class AgreementSaved(BaseModel):
    manufacturer_id: str
    version: int
    effective_from: date


class DisruptionIn(BaseModel):
    mineral: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=500)


ObligationStatus = Literal["open", "overdue", "closed", "all"]
