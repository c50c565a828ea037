"""What the command handlers answer besides the domain's own refusals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NotFound:
    what: str
    detail: str


@dataclass(frozen=True, slots=True)
class IdReused:
    """A client id (release, transfer, adjustment) sent again with a different request."""

    kind: str
    request_id: str
    detail: str
