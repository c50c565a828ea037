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
    "Time to apply one event (inbox transaction included)",
    ["service", "topic"],
)
OUTBOX_BACKLOG = Gauge("vault_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge(
    "vault_outbox_oldest_seconds", "Age of the oldest unpublished outbox row", ["service"]
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
    "Records behind the end of the partition",
    ["service", "topic", "partition"],
)
