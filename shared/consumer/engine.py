"""The consume loop: one aiokafka consumer per service, a pipeline per partition.

Why not FastStream's subscriber loop: it handles one message (or one batch across
partitions) at a time with no way to let one partition wait while the others go
on, commits whatever positions the consumer holds, and restarts its loop without
end on an error outside Kafka's (FastStream #2217, #2618, #1414). Here:
- one consumer, one group (the service's name), subscribed to every topic the
  service reads: one join at start, not one per topic;
- each partition is its own pipeline: what has arrived for it is applied in one
  transaction (``BatchApplier``) while the partition is paused, so the next fetch
  for it takes everything that arrived meanwhile (batches grow with the load, by
  themselves) and no partition waits for another's batch;
- offsets are committed after the effects are durable, explicitly per partition,
  by a committer that sends what is done every ``commit_every_s`` (and at once on
  a rebalance or a stop): a crash in between only means events come again, and the
  inbox finds them applied;
- a partition whose batch must wait (database away, a handler failing) is sought
  back to the event and resumed after a backoff, while the others go on; the loop
  keeps polling, so the group never churns past ``max_poll_interval``;
- a rebalance waits for the partitions' batches in hand to commit before they move;
- lag is measured apart from processing (end offsets against what is applied), so a
  stuck partition shows as growing lag and a stalled time, and readiness says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import (
    ConsumerStoppedError,
    CorruptRecordException,
    KafkaError,
    UnsupportedCodecError,
)
from aiokafka.structs import OffsetAndMetadata

from shared import kafka_records, metrics
from shared.consumer.batch import BatchApplier, Failure, Progress, read_item
from shared.consumer.retry import backoff
from shared.consumer.subscriptions import Subscription
from shared.kafka import REQUEST_TIMEOUT_MS
from shared.kafka_security import KafkaSecurity, client_kwargs
from shared.shutdown import bounded, cancel_all

log = structlog.get_logger("consumer")


@dataclass(frozen=True)
class ConsumerSettings:
    max_records: int = 1000
    poll_ms: int = 200
    concurrency: int = 4
    max_attempts: int = 5
    base_backoff_s: float = 0.2
    max_backoff_s: float = 30.0
    commit_every_s: float = 0.2
    lag_every_s: float = 5.0
    stalled_after_s: float = 60.0
    start_timeout_s: float = 30.0
    revoke_wait_s: float = 30.0


@dataclass
class _Waiting:
    """A partition held back after a failure: from which offset, until when, how often."""

    offset: int
    resume_at: float
    attempts: int


@dataclass
class _Lag:
    applied: int | None = None
    behind: int = 0
    stalled_since: float | None = None


@dataclass
class _State:
    busy: dict[TopicPartition, asyncio.Task[None]] = field(default_factory=dict)
    waiting: dict[TopicPartition, _Waiting] = field(default_factory=dict)
    failures: dict[tuple[TopicPartition, int], Failure] = field(default_factory=dict)
    to_commit: dict[TopicPartition, int] = field(default_factory=dict)
    lag: dict[TopicPartition, _Lag] = field(default_factory=dict)


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, engine: Consumer) -> None:
        self._engine = engine

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        # The batches in hand commit first; then the partitions may go to another member.
        await self._engine.settle(revoked)
        self._engine.forget(revoked)

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        log.info(
            "partitions_assigned", partitions=sorted(f"{t.topic}/{t.partition}" for t in assigned)
        )


class Consumer:
    """Reads a service's subscriptions and applies what arrives, until stopped."""

    def __init__(
        self,
        service: str,
        subscriptions: Sequence[Subscription],
        bootstrap_servers: str,
        applier: BatchApplier,
        settings: ConsumerSettings | None = None,
        *,
        client_factory: Callable[..., AIOKafkaConsumer] = AIOKafkaConsumer,
        security: KafkaSecurity | None = None,
    ) -> None:
        self.service = service
        self.settings = settings or ConsumerSettings()
        self._subscriptions = subscriptions  # may grow until start
        self._by_topic: dict[str, Subscription] = {}
        self._bootstrap = bootstrap_servers
        self._applier = applier
        self._client_factory = client_factory
        self._security = security
        self._client: AIOKafkaConsumer | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._freed = asyncio.Event()  # a partition's batch ended: it may fetch again
        self._state = _State()
        self._slots = asyncio.Semaphore(self.settings.concurrency)

    @property
    def topics(self) -> list[str]:
        return list(self._by_topic)

    async def start(self) -> None:
        # Records whose header keys are not UTF-8 would block their partition for good.
        kafka_records.install()
        self._by_topic = {s.topic: s for s in self._subscriptions}
        if len(self._by_topic) != len(self._subscriptions):
            raise ValueError(f"{self.service}: one subscription per topic")
        if not self._by_topic:
            return
        client = self._client_factory(
            bootstrap_servers=self._bootstrap,
            group_id=self.service,
            client_id=f"{self.service}-consumer",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
            request_timeout_ms=REQUEST_TIMEOUT_MS,
            max_poll_records=self.settings.max_records,
            **client_kwargs(self._security),
        )
        client.subscribe(self.topics, listener=_Rebalance(self))
        async with asyncio.timeout(self.settings.start_timeout_s):
            await client.start()
        self._client = client
        self._stopping.clear()
        with structlog.contextvars.bound_contextvars(service=self.service):
            self._tasks = [
                asyncio.create_task(self._run(), name=f"{self.service}-consume"),
                asyncio.create_task(self._commit_loop(), name=f"{self.service}-commit"),
                asyncio.create_task(self._watch_lag(), name=f"{self.service}-lag"),
            ]

    async def stop(self, timeout_s: float = 15.0) -> None:
        """Finish the batches in hand, commit what is done, then leave the group."""
        self._stopping.set()
        self._freed.set()
        if self._tasks:
            # The loop ends at the flag; a batch in hand is let finish (then committed).
            await asyncio.wait({self._tasks[0]}, timeout=timeout_s)
            await self.settle(list(self._state.busy), timeout_s=timeout_s)
            tasks, self._tasks = self._tasks, []
            await cancel_all(tasks, "consumer", timeout_s)
        if self._client is not None:
            client, self._client = self._client, None
            await bounded(client.stop(), "leaving the consumer group", timeout_s)

    async def settle(
        self, partitions: Sequence[TopicPartition], *, timeout_s: float | None = None
    ) -> None:
        """Let the batches in hand of ``partitions`` finish, and commit what is done."""
        busy = [self._state.busy[tp] for tp in partitions if tp in self._state.busy]
        if busy:
            _, late = await asyncio.wait(busy, timeout=timeout_s or self.settings.revoke_wait_s)
            if late:
                log.warning("partitions_moved_with_a_batch_in_hand", batches=len(late))
        await self._commit()

    def stalled(self) -> dict[str, float]:
        """Partitions with records waiting and no progress for longer than allowed."""
        now = time.monotonic()
        return {
            f"{tp.topic}/{tp.partition}": round(now - lag.stalled_since, 1)
            for tp, lag in self._state.lag.items()
            if lag.stalled_since is not None
            and now - lag.stalled_since > self.settings.stalled_after_s
        }

    def forget(self, partitions: Sequence[TopicPartition]) -> None:
        gone = set(partitions)
        for tp in gone:
            self._state.waiting.pop(tp, None)
            self._state.lag.pop(tp, None)
            self._state.to_commit.pop(tp, None)
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_STALLED.remove(self.service, tp.topic, str(tp.partition))
        self._state.failures = {k: v for k, v in self._state.failures.items() if k[0] not in gone}

    # -- the loop --------------------------------------------------------------------------

    async def _run(self) -> None:
        client = self._client
        assert client is not None
        while not self._stopping.is_set():
            self._resume_ready(client)
            try:
                fetched = await self._fetch(client)
            except ConsumerStoppedError:
                return
            except Exception as exc:
                if _unreadable(exc):
                    await self._step_over_unreadable(client, exc)
                else:
                    log.warning("fetch_failed", error=repr(exc))
                    await asyncio.sleep(1.0)
                continue
            if self._stopping.is_set():
                break
            by_topic: dict[str, dict[TopicPartition, list[Any]]] = {}
            for tp, records in fetched.items():
                if records:
                    by_topic.setdefault(tp.topic, {})[tp] = records
            for batches in by_topic.values():
                client.pause(*batches)  # what arrives meanwhile is the next batch
                task = asyncio.create_task(self._work(client, batches))
                for tp in batches:
                    self._state.busy[tp] = task

    async def _fetch(self, client: AIOKafkaConsumer) -> dict[TopicPartition, list[Any]]:
        """What has arrived, or nothing as soon as a partition's batch ends (so that it
        fetches again at once instead of after the poll timeout)."""
        self._freed.clear()
        get = asyncio.ensure_future(
            client.getmany(timeout_ms=self.settings.poll_ms, max_records=self.settings.max_records)
        )
        freed = asyncio.ensure_future(self._freed.wait())
        await asyncio.wait({get, freed}, return_when=asyncio.FIRST_COMPLETED)
        freed.cancel()
        if not get.done():
            # Cancelled at its wait: nothing was handed out, the fetched records stay
            # in the client's buffer for the next call.
            get.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await get
            return {}
        result: dict[TopicPartition, list[Any]] = get.result()
        return result

    async def _work(
        self, client: AIOKafkaConsumer, batches: dict[TopicPartition, list[Any]]
    ) -> None:
        """One topic's batches: together in one transaction when they go through whole
        (fewer commits, one pass over a set), else partition by partition."""
        try:
            if len(batches) > 1 and await self._apply_together(batches):
                for tp, records in batches.items():
                    self._done(client, tp, records[-1].offset + 1)
                    self._state.waiting.pop(tp, None)
                return
            for tp, records in batches.items():
                await self._work_partition(client, tp, records)
        finally:
            for tp in batches:
                self._state.busy.pop(tp, None)
            self._freed.set()

    async def _apply_together(self, batches: dict[TopicPartition, list[Any]]) -> bool:
        if any((tp, r.offset) in self._state.failures for tp, rs in batches.items() for r in rs):
            return False  # an event that failed before is retried with its partition alone
        topic = next(iter(batches)).topic
        subscription = self._by_topic[topic]
        items = [
            [read_item(subscription, r, None, self.settings.max_attempts) for r in records]
            for records in batches.values()
        ]
        async with self._slots:
            return await self._applier.apply_together(topic, items)

    async def _work_partition(
        self, client: AIOKafkaConsumer, tp: TopicPartition, records: list[Any]
    ) -> None:
        try:
            progress = await self._apply(tp, records)
            if progress.applied:
                self._done(client, tp, records[progress.applied - 1].offset + 1)
            if progress.retry is not None:
                self._wait(client, tp, progress)
            else:
                self._state.waiting.pop(tp, None)
        except Exception:  # a bug in the loop itself: never lose the partition
            log.exception("partition_batch_crashed", topic=tp.topic, partition=tp.partition)
            with contextlib.suppress(Exception):
                client.seek(tp, records[0].offset)
            self._state.waiting[tp] = _Waiting(records[0].offset, time.monotonic() + 5.0, 1)

    def _done(self, client: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        self._state.to_commit[tp] = offset
        self._progressed(tp, offset, client.highwater(tp))

    async def _apply(self, tp: TopicPartition, records: list[Any]) -> Progress:
        subscription = self._by_topic[tp.topic]
        items = [
            read_item(
                subscription,
                record,
                self._state.failures.get((tp, record.offset)),
                self.settings.max_attempts,
            )
            for record in records
        ]
        async with self._slots:
            progress = await self._applier.apply(tp.topic, tp.partition, items)
        for record in records[: progress.applied]:
            self._state.failures.pop((tp, record.offset), None)
        return progress

    def _wait(self, client: AIOKafkaConsumer, tp: TopicPartition, progress: Progress) -> None:
        retry = progress.retry
        assert retry is not None
        previous = self._state.waiting.get(tp)
        attempts = (
            previous.attempts + 1 if previous is not None and previous.offset == retry.offset else 1
        )
        if not retry.transient:
            key = (tp, retry.offset)
            failure = self._state.failures.get(key)
            count = 1 if failure is None else failure.count + 1
            self._state.failures[key] = Failure(count, repr(retry.exc))
            attempts = count
        delay = backoff(attempts, self.settings.base_backoff_s, self.settings.max_backoff_s)
        log.warning(
            "handler_transient_failure" if retry.transient else "handler_failed",
            topic=tp.topic,
            partition=tp.partition,
            offset=retry.offset,
            attempt=attempts,
            retry_in_s=round(delay, 2),
            error=repr(retry.exc),
        )
        metrics.RETRIES.labels(self.service, tp.topic).inc()
        self._state.waiting[tp] = _Waiting(retry.offset, time.monotonic() + delay, attempts)
        client.seek(tp, retry.offset)

    def _resume_ready(self, client: AIOKafkaConsumer) -> None:
        """Let partitions fetch again: those whose batch ended, and those whose wait is over."""
        now = time.monotonic()
        for tp in client.paused():
            if tp in self._state.busy:
                continue
            waiting = self._state.waiting.get(tp)
            if waiting is not None and waiting.resume_at > now:
                continue
            client.resume(tp)

    async def _step_over_unreadable(self, client: AIOKafkaConsumer, exc: Exception) -> None:
        """A record the client cannot read at all: dead-letter where it lies, and go on.

        The failed fetch may already have moved other partitions past records it never
        handed out: each partition not in hand goes back to where its work stands (what
        comes again, the inbox absorbs). Then each is fetched alone, to find which
        fails; its record there becomes a dead letter that says where the original is.
        """
        log.error("fetch_failed_unreadable_record", error=repr(exc))
        idle = [
            tp
            for tp in client.assignment()
            if tp not in self._state.busy and tp not in client.paused()
        ]
        for tp in idle:
            await self._rewind(client, tp)
        for tp in idle:
            offset = await client.position(tp)
            try:
                await client.getmany(tp, timeout_ms=self.settings.poll_ms, max_records=1)
            except Exception as failed:
                if not _unreadable(failed):
                    raise
                await self._applier.dead_letter_unreadable(
                    tp.topic, tp.partition, offset, repr(failed)
                )
                self._state.to_commit[tp] = offset + 1
                self._progressed(tp, offset + 1, client.highwater(tp))
                client.seek(tp, offset + 1)
                continue
            client.seek(tp, offset)  # what that fetch read is read again by the loop

    async def _rewind(self, client: AIOKafkaConsumer, tp: TopicPartition) -> None:
        applied = self._state.lag.get(tp, _Lag()).applied
        if applied is not None:
            client.seek(tp, applied)
        else:
            await client.seek_to_committed(tp)

    # -- commits ---------------------------------------------------------------------------

    async def _commit_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.commit_every_s)
            await self._commit()

    async def _commit(self) -> None:
        client = self._client
        pending, self._state.to_commit = self._state.to_commit, {}
        if client is None or not pending:
            return
        try:
            await client.commit({tp: OffsetAndMetadata(o, "") for tp, o in pending.items()})
        except KafkaError as exc:
            # The partitions moved on meanwhile: their new owner gets the events again,
            # and its inbox finds them applied.
            log.warning("offset_commit_failed", error=repr(exc))

    # -- lag -------------------------------------------------------------------------------

    def _progressed(self, tp: TopicPartition, applied: int, end: int | None) -> None:
        lag = self._state.lag.setdefault(tp, _Lag())
        lag.applied = applied
        lag.stalled_since = None
        if end is not None:  # the end the last fetch reported: no request needed
            lag.behind = max(0, end - applied)
            labels = (self.service, tp.topic, str(tp.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(lag.behind)
            metrics.CONSUMER_STALLED.labels(*labels).set(0)

    async def _watch_lag(self) -> None:
        while True:
            await asyncio.sleep(self.settings.lag_every_s)
            client = self._client
            if client is None:
                continue
            try:
                await self._measure_lag(client)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker may be away; lag is measured next round
                log.info("lag_measure_failed", error=repr(exc))

    async def _measure_lag(self, client: AIOKafkaConsumer) -> None:
        assigned = list(client.assignment())
        if not assigned:
            return
        ends = await client.end_offsets(assigned)
        now = time.monotonic()
        for tp in assigned:
            lag = self._state.lag.setdefault(tp, _Lag())
            if lag.applied is None:
                lag.applied = await client.committed(tp) or 0
            behind = max(0, ends[tp] - lag.applied)
            if behind and lag.behind and lag.stalled_since is None:
                lag.stalled_since = now
            if not behind:
                lag.stalled_since = None
            lag.behind = behind
            labels = (self.service, tp.topic, str(tp.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(behind)
            stalled = 0.0 if lag.stalled_since is None else now - lag.stalled_since
            metrics.CONSUMER_STALLED.labels(*labels).set(round(stalled, 1))


def _unreadable(exc: BaseException) -> bool:
    """An error about the bytes of a record, not about the broker or the network."""
    if isinstance(exc, UnsupportedCodecError | CorruptRecordException):
        return True
    return not isinstance(exc, KafkaError | OSError | TimeoutError | asyncio.CancelledError)
