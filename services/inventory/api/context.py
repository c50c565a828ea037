"""What every route needs from the running service, handed in through FastAPI's Depends."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from services.inventory.api.problems import Problem
from shared.service import Service

_IDENTIFIER = re.compile(r"[A-Za-z0-9._:-]+")


@dataclass(frozen=True, slots=True)
class ApiContext:
    service: Service
    replenishment_lead_days: int
    clock: Callable[[], datetime]

    @property
    def pool(self) -> asyncpg.Pool:
        return self.service.pool


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.inventory
    return context


Ctx = Annotated[ApiContext, Depends(_context)]


def request_id(
    kind: str, given: str | None, idempotency_key: str | None, *, max_length: int = 64
) -> str:
    """The id a command is recorded under: the client's (body or Idempotency-Key), else a new one.

    A retry that repeats the id is answered with what was done, and does nothing twice.
    """
    if idempotency_key is not None and not (
        len(idempotency_key) <= max_length and _IDENTIFIER.fullmatch(idempotency_key)
    ):
        raise Problem(
            400,
            "invalid-idempotency-key",
            f"Idempotency-Key must be 1-{max_length} characters of letters, digits and . _ : -",
        )
    if given is not None and idempotency_key is not None and given != idempotency_key:
        raise Problem(
            422,
            "idempotency-key-mismatch",
            f"{kind}_id {given!r} and Idempotency-Key {idempotency_key!r} differ; send one, "
            "or the same value in both",
        )
    return given or idempotency_key or uuid.uuid4().hex
