"""Applying what arrived for one partition: one transaction, one inbox statement, in order.

For each batch: every record is decoded (a record that cannot be read is poison);
one statement records the event ids in the inbox and says which are new; the new
events go to their handlers in runs of one type, in partition order; poison is
dead-lettered with its original bytes before the transaction commits. A handler
that names a poison event has it taken out and the batch applied again without
it; a failure that names no event splits the batch until it stands alone, so a
bad event never fails its neighbours and the ones before it still commit first.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import Any

import structlog
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from shared import metrics
from shared.codec import PoisonMessage, decode_raw, decode_tolerant, decode_typed, parse_payload
from shared.consumer import inbox
from shared.consumer.retry import is_transient
from shared.consumer.subscriptions import Handles, Subscription
from shared.db import REFUSED_VALUES, Connection
from shared.dlq import (
    DEFAULT_BUDGET_BYTES,
    MIN_BUDGET_BYTES,
    REPLAYED_FROM,
    dead_letter_record,
)
from shared.envelope import Envelope, RawEnvelope
from shared.publisher import Headers, Publisher, Record

log = structlog.get_logger("consumer")

# Identifies records that cannot be read as an envelope, so their dead letter is recorded once.
_UNREADABLE = uuid.UUID("0b8e8f6e-5c1a-4a53-9d7b-2f4e6c1d9a10")

Transaction = Callable[[], AbstractAsyncContextManager[Connection]]


@dataclass(frozen=True, slots=True)
class Poison:
    reason: str
    error: str
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class Item:
    """One record of a batch, as far as it could be read."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: Headers
    entry: inbox.Entry
    event: Envelope[Any] | RawEnvelope | None = None
    handles: Handles | None = None
    poison: Poison | None = None

    @property
    def ignored(self) -> bool:
        return self.poison is None and self.handles is None


@dataclass(frozen=True, slots=True)
class Retry:
    """The batch stopped at ``offset``: try it again later (``exc`` says why)."""

    offset: int
    exc: BaseException
    transient: bool


@dataclass(slots=True)
class Progress:
    applied: int = 0  # records done (committed or skipped), from the start of the batch
    retry: Retry | None = None
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n


@dataclass(frozen=True, slots=True)
class Failure:
    """How often the handler of the event at one offset failed, and the last error."""

    count: int
    error: str


def read_item(
    subscription: Subscription, record: Any, failure: Failure | None, max_attempts: int
) -> Item:
    """A record as the batch applies it; never raises, whatever the record holds."""
    value: bytes = record.value or b""
    unreadable = inbox.Entry(
        uuid.uuid5(_UNREADABLE, f"{record.topic}/{record.partition}/{record.offset}"),
        "?",
        record.partition,
        record.offset,
        inbox.fingerprint(value),
        "dead_lettered",
    )
    headers = list(record.headers or ())
    base = Item(record.partition, record.offset, record.key, value, headers, unreadable)
    fast = _fast_path(subscription, base, failure, max_attempts)
    if fast is not None:
        return fast
    try:
        raw = decode_raw(record.value)
    except PoisonMessage as poison:
        tolerated = _tolerated(subscription, record.value, poison)
        if tolerated is None:
            return _with_poison(base, Poison(poison.reason, str(poison)))
        raw = tolerated
    replay = any(name == REPLAYED_FROM for name, _ in base.headers)
    entry = replace(
        unreadable, event_id=raw.event_id, event_type=raw.type, outcome="applied", replay=replay
    )
    base = replace(base, entry=entry)
    handles = subscription.handler_of(raw.type)
    if handles is None:
        if subscription.ignores(raw.type):
            return base
        detail = f"{raw.type} on {subscription.topic}"
        return _with_poison(base, Poison("unexpected_event_type", detail))
    if failure is not None and failure.count >= max_attempts:
        return _with_poison(base, Poison("handler_error", failure.error, failure.count))
    if handles.lenient:
        return replace(base, event=raw, handles=handles)
    try:
        event = parse_payload(raw, handles.contract)
    except PoisonMessage as poison:
        return _with_poison(base, Poison(poison.reason, str(poison)))
    return replace(base, event=event, handles=handles)


def _tolerated(
    subscription: Subscription, value: bytes | None, poison: PoisonMessage
) -> RawEnvelope | None:
    """A record strict JSON refused, read again if a lenient handler takes its type: such a
    handler answers every wrong value itself, so its sender hears which field is wrong."""
    if poison.reason != "malformed" or not any(h.lenient for h in subscription.handles):
        return None
    try:
        raw = decode_tolerant(value)
    except PoisonMessage:
        return None
    handles = subscription.handler_of(raw.type)
    return raw if handles is not None and handles.lenient else None


def _fast_path(
    subscription: Subscription, base: Item, failure: Failure | None, max_attempts: int
) -> Item | None:
    """A record of a type the producer named in its header, parsed in one pass."""
    if failure is not None:
        return None
    named = next((v for k, v in base.headers if k == "event_type"), None)
    handles = None if named is None else subscription.handler_of(named.decode(errors="replace"))
    if handles is None or handles.lenient or not base.value:
        return None
    event = decode_typed(base.value, handles.contract)
    if event is None:
        return None
    replay = any(name == REPLAYED_FROM for name, _ in base.headers)
    entry = inbox.Entry(
        event.event_id,
        event.type,
        base.partition,
        base.offset,
        base.entry.fingerprint,
        "applied",
        replay,
    )
    return replace(base, entry=entry, event=event, handles=handles)


def _with_poison(item: Item, poison: Poison) -> Item:
    return replace(item, poison=poison, entry=replace(item.entry, outcome="dead_lettered"))


class BatchApplier:
    """Applies partition batches of one service's subscriptions."""

    def __init__(
        self,
        service: str,
        transaction: Transaction,
        publisher: Callable[[], Publisher],
    ) -> None:
        self.service = service
        self._transaction = transaction
        self._publisher = publisher

    async def apply(self, topic: str, partition: int, items: Sequence[Item]) -> Progress:
        progress = Progress()
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(
            service=self.service,
            topic=topic,
            partition=partition,
            offsets=f"{items[0].offset}-{items[-1].offset}",
        ):
            await self._apply(topic, partition, list(items), progress)
        metrics.HANDLER_SECONDS.labels(self.service, topic).observe(time.perf_counter() - started)
        metrics.BATCH_SIZE.labels(self.service, topic).observe(len(items))
        for outcome, n in progress.outcomes.items():
            metrics.MESSAGES_IN.labels(self.service, topic, outcome).inc(n)
        return progress

    async def apply_together(self, topic: str, batches: Sequence[Sequence[Item]]) -> bool:
        """Apply several partitions' batches of ``topic`` in one transaction, if they go
        through whole (poison a handler names is taken out as usual); False when anything
        else fails, with nothing applied: the caller then applies them one by one."""
        items = [item for batch in batches for item in batch]
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(
            service=self.service, topic=topic, partitions=len(batches)
        ):
            while True:
                try:
                    outcomes = await self._transact(topic, items)
                except PoisonMessage as poison:
                    named = _named(items, poison)
                    if named is None:
                        return False
                    items[named] = _poisoned(items[named], poison)
                except Exception:
                    return False
                else:
                    break
        metrics.HANDLER_SECONDS.labels(self.service, topic).observe(time.perf_counter() - started)
        metrics.BATCH_SIZE.labels(self.service, topic).observe(len(items))
        for outcome, n in outcomes.items():
            metrics.MESSAGES_IN.labels(self.service, topic, outcome).inc(n)
        return True

    async def _apply(
        self, topic: str, partition: int, items: list[Item], progress: Progress
    ) -> None:
        """Apply ``items`` (splitting on failure); ``progress`` says how far it got."""
        while True:
            try:
                outcomes = await self._transact(topic, items)
            except PoisonMessage as poison:
                named = _named(items, poison)
                if named is not None:
                    items[named] = _poisoned(items[named], poison)
                    continue
                failure: BaseException = poison
            except ValidationError as invalid:
                # An event that passed its contract but broke another rule on the way.
                if len(items) == 1:
                    items[0] = _poisoned(items[0], PoisonMessage("invalid_payload", str(invalid)))
                    continue
                failure = invalid
            except Exception as exc:
                if is_transient(exc):
                    progress.retry = Retry(items[0].offset, exc, transient=True)
                    return
                failure = exc
            else:
                progress.applied += len(items)
                for outcome, n in outcomes.items():
                    progress.count(outcome, n)
                return
            if len(items) == 1:
                if isinstance(failure, PoisonMessage):
                    items[0] = _poisoned(items[0], failure)
                    continue
                if isinstance(failure, REFUSED_VALUES):
                    # A value PostgreSQL will never store (NUL in text, a number past its
                    # column): no retry helps, and retrying stalls the partition seconds.
                    refused = PoisonMessage(
                        "invalid_payload", f"the database refuses it: {failure}"
                    )
                    items[0] = _poisoned(items[0], refused)
                    continue
                progress.retry = Retry(items[0].offset, failure, transient=False)
                return
            half = len(items) // 2
            await self._apply(topic, partition, items[:half], progress)
            if progress.retry is not None:
                return
            items = items[half:]

    async def _transact(self, topic: str, items: list[Item]) -> dict[str, int]:
        recorded = [item for item in items if not item.ignored]
        outcomes = {"ignored": len(items) - len(recorded)}
        applied: list[tuple[Handles, list[Any]]] = []
        async with self._transaction() as conn:
            fresh = await inbox.claim(conn, self.service, topic, [i.entry for i in recorded])
            new = [recorded[p] for p in fresh]
            outcomes["duplicate"] = len(recorded) - len(new)
            for handles, events in _runs(i for i in new if i.poison is None):
                await handles.apply(conn, events)
                applied.append((handles, events))
            dead = [item for item in new if item.poison is not None]
            if dead:
                await self._dead_letter(topic, dead)
            outcomes["processed"] = len(new) - len(dead)
            outcomes["dead_lettered"] = len(dead)
        for handles, events in applied:
            if handles.committed is not None:
                handles.committed(events)
        return {k: v for k, v in outcomes.items() if v}

    async def _dead_letter(self, topic: str, dead: list[Item]) -> None:
        """Publish (acks=all) before the transaction that records them commits."""
        for item in dead:
            assert item.poison is not None
            log.warning(
                "dead_lettered",
                offset=item.offset,
                reason=item.poison.reason,
                error=item.poison.error[:500],
                attempts=item.poison.attempts,
            )
            metrics.DEAD_LETTERS.labels(self.service, topic, item.poison.reason).inc()
        letters = [self._letter(topic, item) for item in dead]
        try:
            await self._publisher().publish(letters)
        except KafkaError as exc:
            if exc.retriable:
                raise
            # Kafka will not take them as they are (a dead-letter topic with a lower size
            # limit): the smallest letters keep the reason and where the originals lie.
            log.error("dead_letters_shrunk", error=repr(exc))
            smallest = [self._letter(topic, item, MIN_BUDGET_BYTES, repr(exc)) for item in dead]
            await self._publisher().publish(smallest)

    async def dead_letter_unreadable(
        self, topic: str, partition: int, offset: int, error: str
    ) -> None:
        """A dead letter for a record the client could not read: where it is, and why."""
        letter = dead_letter_record(
            topic=topic,
            partition=partition,
            offset=offset,
            key=None,
            value=b"",
            headers=[],
            reason="unreadable_record",
            error=error,
            attempts=1,
            consumer=self.service,
        )
        await self._publisher().publish([letter])
        metrics.DEAD_LETTERS.labels(self.service, topic, "unreadable_record").inc()
        log.error("dead_lettered_unreadable", topic=topic, partition=partition, offset=offset)

    def _letter(
        self,
        topic: str,
        item: Item,
        budget: int = DEFAULT_BUDGET_BYTES,
        refused: str = "",
    ) -> Record:
        assert item.poison is not None
        return dead_letter_record(
            topic=topic,
            partition=item.partition,
            offset=item.offset,
            key=item.key,
            value=item.value,
            headers=item.headers,
            reason=item.poison.reason,
            error=item.poison.error,
            attempts=item.poison.attempts,
            consumer=self.service,
            budget=budget,
            refused=refused,
        )


def _runs(items: Iterable[Item]) -> list[tuple[Handles, list[Any]]]:
    """Consecutive events of one type, in order: a handler sees a run of its own type."""
    runs: list[tuple[Handles, list[Any]]] = []
    for item in items:
        assert item.handles is not None
        assert item.event is not None
        if runs and runs[-1][0] is item.handles:
            runs[-1][1].append(item.event)
        else:
            runs.append((item.handles, [item.event]))
    return runs


def _named(items: list[Item], poison: PoisonMessage) -> int | None:
    """The item a handler's poison names and not yet taken out: the very event if the
    handler passed it, else the first of that id. Never one already poisoned, or a
    batch whose events share an id (a sender reusing ids) would name the same item for
    ever and never apply (issue 13's fuzzer hung there)."""
    if poison.event_id is None:
        return None
    candidates = [
        position
        for position, item in enumerate(items)
        if item.poison is None and item.event is not None and item.event.event_id == poison.event_id
    ]
    for position in candidates:
        if items[position].event is poison.event:
            return position
    return candidates[0] if candidates else None


def _poisoned(item: Item, poison: PoisonMessage) -> Item:
    return _with_poison(item, Poison(poison.reason, str(poison)))
