"""The one envelope every Vault event travels in."""

from __future__ import annotations

import contextvars
import uuid
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import Event

P = TypeVar("P", bound=BaseModel)
E = TypeVar("E", bound=Event)

SUPPORTED_MAJOR = 1
MAX_KEY_LENGTH = 200


class EventMeta(BaseModel):
    """What every event says about itself, whatever its payload."""

    # Events are a public API: fields added by a newer producer are accepted and ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID = Field(description="Unique id; consumers de-duplicate on it")
    type: str = Field(min_length=1, max_length=100, description="e.g. procurement.requested")
    version: str = Field(pattern=r"^\d{1,3}\.\d{1,3}$", description="schema version, major.minor")
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=64, description="the service that emitted it")
    key: str = Field(
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="partition key: the order or request id",
    )
    correlation_id: str = Field(
        min_length=1, max_length=200, description="the first event's id, kept on every hop"
    )
    causation_id: str | None = Field(
        default=None, max_length=200, description="the event that caused this one"
    )

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])


class Envelope(EventMeta, Generic[P]):
    """An event with its typed payload."""

    payload: P


class RawEnvelope(EventMeta):
    """An envelope whose payload is not yet checked against its contract."""

    payload: dict[str, Any]


# The event being handled right now; new events inherit its correlation id and
# take its id as their causation id, so an order's story can be followed by grep.
current_event: contextvars.ContextVar[EventMeta | None] = contextvars.ContextVar(
    "current_event", default=None
)


def new_event(
    payload: E,
    *,
    producer: str,
    key: str | None = None,
    cause: EventMeta | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope[E]:
    """An envelope around ``payload``, with the type, version and key its contract states.

    The event inherits the correlation id of the event that caused it and takes its id
    as causation id: ``cause``, or else the event being handled by an ``on`` handler.
    ``correlation_id`` overrides that (an order's events carry the id of the demand
    that started the order).
    """
    cause = cause or current_event.get()
    event_id = uuid.uuid4()
    contract = type(payload)
    key = payload.partition_key() if key is None else key
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise ValueError(f"{contract.EVENT_TYPE}: a key of {len(key)} characters")
    envelope_type: Any = Envelope[contract]  # type: ignore[valid-type]
    # Built, not validated: every field comes from Vault's own code and an already valid
    # payload (validating it again was a measurable share of each event's cost).
    made: Envelope[E] = envelope_type.model_construct(
        event_id=event_id,
        type=contract.EVENT_TYPE,
        version=contract.VERSION,
        occurred_at=datetime.now(UTC),
        producer=producer,
        key=key,
        correlation_id=correlation_id or (cause.correlation_id if cause else str(event_id)),
        causation_id=causation_id or (str(cause.event_id) if cause else None),
        payload=payload,
    )
    return made


def topic_of(event: EventMeta) -> str:
    """The topic an envelope travels on: its payload's contract says."""
    payload = getattr(event, "payload", None)
    if not isinstance(payload, Event):
        raise TypeError(f"{event.type}: only envelopes of an Event payload name their topic")
    return payload.TOPIC
