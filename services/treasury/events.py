"""Treasury's outgoing events, wrapped for the outbox."""

from __future__ import annotations

from typing import TypeVar

from services.treasury.settings import NAME
from shared.contracts import Event
from shared.envelope import Envelope, new_event

E = TypeVar("E", bound=Event)


def outgoing(payload: E) -> Envelope[E]:
    return new_event(payload, producer=NAME)
