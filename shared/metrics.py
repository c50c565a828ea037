"""Prometheus metrics every service exposes on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_IN = Counter(
    "vault_messages_in_total", "Messages consumed, by outcome", ["service", "topic", "outcome"]
)
MESSAGES_OUT = Counter(
    "vault_messages_out_total", "Events published by the outbox relay", ["service", "topic"]
)
HANDLER_SECONDS = Histogram(
    "vault_handler_seconds",
    "Time to apply one partition's batch of events (its inbox transaction included)",
    ["service", "topic"],
)
BATCH_SIZE = Histogram(
    "vault_batch_events",
    "Events applied in one transaction",
    ["service", "topic"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)
OUTBOX_BACKLOG = Gauge("vault_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge(
    "vault_outbox_oldest_seconds", "Age of the oldest unpublished outbox row", ["service"]
)
OUTBOX_PARKED = Gauge(
    "vault_outbox_parked", "Outbox rows Kafka refused for good, set aside for ops", ["service"]
)
DEAD_LETTERS = Counter(
    "vault_dead_letters_total",
    "Messages sent to a dead-letter topic",
    ["service", "topic", "reason"],
)
RETRIES = Counter(
    "vault_handler_retries_total",
    "Handler attempts that failed and were retried",
    ["service", "topic"],
)
CONSUMER_LAG = Gauge(
    "vault_consumer_lag",
    "Records behind the end of the partition (measured apart from processing)",
    ["service", "topic", "partition"],
)
CONSUMER_STALLED = Gauge(
    "vault_consumer_stalled_seconds",
    "How long a partition with records waiting has made no progress (0: moving or idle)",
    ["service", "topic", "partition"],
)
