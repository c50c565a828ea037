"""The one envelope every Vault event travels in."""

from __future__ import annotations

import contextvars
import uuid
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

P = TypeVar("P", bound=BaseModel)

SUPPORTED_MAJOR = 1


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
        min_length=1, max_length=200, description="partition key: the order or request id"
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
    event_type: str,
    payload: P,
    *,
    key: str,
    producer: str,
    version: str = "1.0",
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope[P]:
    cause = current_event.get()
    event_id = uuid.uuid4()
    envelope_type: Any = Envelope[type(payload)]  # type: ignore[misc]
    made: Envelope[P] = envelope_type(
        event_id=event_id,
        type=event_type,
        version=version,
        occurred_at=datetime.now(UTC),
        producer=producer,
        key=key,
        correlation_id=correlation_id or (cause.correlation_id if cause else str(event_id)),
        causation_id=causation_id or (str(cause.event_id) if cause else None),
        payload=payload,
    )
    return made
