"""The id a command is recorded under: the client's own (in the body or as Idempotency-Key)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import Header

from shared.http.problems import ProblemError

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]

_IDENTIFIER = re.compile(r"[A-Za-z0-9._:-]+")


def request_id(
    kind: str, given: str | None, idempotency_key: str | None, *, max_length: int = 64
) -> str:
    """The client's id, from the body or the Idempotency-Key (the same if both), else a new one.

    A retry that repeats the id is answered with what was done, and does nothing twice.
    """
    if idempotency_key is not None and not (
        len(idempotency_key) <= max_length and _IDENTIFIER.fullmatch(idempotency_key)
    ):
        raise ProblemError(
            400,
            "invalid_idempotency_key",
            f"Idempotency-Key must be 1-{max_length} characters of letters, digits and . _ : -",
            field="Idempotency-Key",
        )
    if given is not None and idempotency_key is not None and given != idempotency_key:
        raise ProblemError(
            422,
            "idempotency_key_mismatch",
            f"{kind}_id {given!r} and Idempotency-Key {idempotency_key!r} differ; send one, "
            "or the same value in both",
            field="Idempotency-Key",
        )
    return given or idempotency_key or uuid.uuid4().hex
