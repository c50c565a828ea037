"""What a service consumes: per topic, the event types it handles and the handler of each.

A handler is given the batch transaction's connection and the events of its type,
in partition order. ``on`` wraps a handler of one event (logging context bound to
the event, new events caused by it); ``on_batch`` takes a handler of many, for the
hops where working on the set pays (one statement for many rows, one pass over the
book for many requests). A service's ``consumers.py`` lists its subscriptions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog

from shared.codec import PoisonMessage
from shared.contracts import Event, on_topic
from shared.db import Connection
from shared.envelope import Envelope, RawEnvelope, current_event

E = TypeVar("E", bound=Event)

BatchHandler = Callable[[Connection, Sequence[Envelope[Any]]], Awaitable[None]]
Committed = Callable[[Sequence[Envelope[Any]]], None]


@dataclass(frozen=True)
class Handles:
    """One event type a subscription applies, and how."""

    contract: type[Event]
    apply: BatchHandler
    lenient: bool = False
    """The handler reads the raw payload itself (an untrusted intake that answers every
    wrong value with a reason instead of dead-lettering it): events arrive unparsed."""
    committed: Committed | None = None
    """Told of the events once their transaction has committed (in-process news only, e.g.
    waking a long-poll: never an effect that must survive a crash)."""

    @property
    def event_type(self) -> str:
        return self.contract.EVENT_TYPE


def on(contract: type[E], handler: Callable[[Connection, Envelope[E]], Awaitable[None]]) -> Handles:
    """Apply ``handler`` to each event in turn, inside the batch's one transaction."""

    async def each(conn: Connection, events: Sequence[Envelope[Any]]) -> None:
        for event in events:
            token = current_event.set(event)
            try:
                with structlog.contextvars.bound_contextvars(
                    event_id=str(event.event_id),
                    event_type=event.type,
                    correlation_id=event.correlation_id,
                    order_id=event.key,
                ):
                    await handler(conn, event)
            except PoisonMessage as poison:
                poison.event_id = poison.event_id or event.event_id
                raise
            finally:
                current_event.reset(token)

    return Handles(contract, each)


def on_batch(
    contract: type[E],
    handler: Callable[[Connection, Sequence[Envelope[E]]], Awaitable[None]],
    *,
    committed: Callable[[Sequence[Envelope[E]]], None] | None = None,
) -> Handles:
    """Apply ``handler`` to every event of the type in a batch at once, in partition order.

    It must name the event in a ``PoisonMessage`` it raises (``event_id=``); one it
    does not name is found by splitting the batch. ``committed`` hears of the events
    after their transaction commits.
    """
    return Handles(contract, handler, committed=committed)


def on_raw_batch(
    contract: type[Event],
    handler: Callable[[Connection, Sequence[RawEnvelope]], Awaitable[None]],
) -> Handles:
    """Like ``on_batch``, but the payloads are the sender's JSON, not yet read (``lenient``)."""
    return Handles(contract, handler, lenient=True)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Subscription:
    """A topic a service reads, what it does with each event type found there."""

    topic: str
    handles: Sequence[Handles]
    description: str = ""
    _by_type: dict[str, Handles] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, Handles] = {}
        for handles in self.handles:
            if handles.event_type in table:
                raise ValueError(f"{self.topic}: {handles.event_type} is handled twice")
            table[handles.event_type] = handles
        object.__setattr__(self, "_by_type", table)

    def handler_of(self, event_type: str) -> Handles | None:
        return self._by_type.get(event_type)

    def ignores(self, event_type: str) -> bool:
        """Known on this topic but not this consumer's business: skipped and counted.

        Every other type this consumer does not handle is unexpected here (a newer
        producer, or a sender writing where it should not): it is dead-lettered, and
        can be replayed once this consumer knows it.
        """
        return any(event_type == event.EVENT_TYPE for event in on_topic(self.topic))
