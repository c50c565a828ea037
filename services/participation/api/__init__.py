"""Participation's HTTP API: one module of routes per resource, their schemas beside them.

Writes (agreements, disruptions) are the program admin's; reads are ops' (any ops role),
or a manufacturer's own (its key speaks for it; another's is 404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.participation.context import Participation
from shared.http.auth import Caller
from shared.http.context import context_of
from shared.http.problems import not_found

Ctx = Annotated[Participation, Depends(context_of)]


def only_for(caller: Caller, manufacturer_id: str | None) -> str | None:
    """The manufacturer a read is limited to: a manufacturer's key sees only its own."""
    if caller.is_ops:
        return manufacturer_id
    if manufacturer_id is not None and not caller.speaks_for(manufacturer_id):
        raise not_found(f"no participation for {manufacturer_id!r}")
    if caller.subject is None:
        raise not_found("this key speaks for no manufacturer")
    return caller.subject
