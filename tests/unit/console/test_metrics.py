"""Metrics read back from Prometheus text: series, counters as rates, hops of the flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.console.domain import pipeline
from services.console.domain.metrics import Reading, Series, Snapshot, families, parse, rates

T0 = datetime(2026, 1, 1, tzinfo=UTC)

PAGE = """\
# HELP vault_messages_in_total Messages consumed, by outcome
# TYPE vault_messages_in_total counter
vault_messages_in_total{service="sourcing",topic="vault.procurement.requested",outcome="applied"} 10.0
vault_messages_in_total_created{service="sourcing",topic="vault.procurement.requested",outcome="applied"} 1.7e9
# HELP vault_dead_letters_total Messages sent to a dead-letter topic
# TYPE vault_dead_letters_total counter
# HELP vault_consumer_lag Records behind
# TYPE vault_consumer_lag gauge
vault_consumer_lag{service="sourcing",topic="vault.procurement.requested",partition="0"} 3.0
vault_consumer_lag{service="sourcing",topic="vault.procurement.requested",partition="1"} 4.0
"""


def _snapshot(at: datetime, **values: float) -> Snapshot:
    series: dict[Series, float] = {
        (
            "vault_messages_in_total",
            (("outcome", "applied"), ("service", "sourcing"), ("topic", t)),
        ): v
        for t, v in values.items()
    }
    return Snapshot(at, {"sourcing": Reading("sourcing", up=True, values=series)})


def test_a_page_becomes_series_without_created_timestamps() -> None:
    values = parse(PAGE)
    assert len(values) == 3
    assert all(not name.endswith("_created") for name, _ in values)


def test_a_counter_that_counted_nothing_is_still_served_under_its_total_name() -> None:
    assert {"vault_dead_letters_total", "vault_consumer_lag"} <= families(PAGE)


def test_rates_between_two_snapshots_and_a_restart_counts_from_zero() -> None:
    older = _snapshot(T0, a=100.0, b=50.0)
    newer = _snapshot(T0 + timedelta(seconds=10), a=150.0, b=5.0)  # b's process restarted
    per_s = rates(older, newer, "vault_messages_in_total", ("topic",))
    assert per_s == {("a",): 5.0, ("b",): 0.5}


def test_hops_in_the_flows_order_with_the_lag_summed_over_partitions() -> None:
    reading = Reading("sourcing", up=True, values=parse(PAGE))
    snap = Snapshot(T0, {"sourcing": reading})
    [hop] = pipeline.hops([snap, snap])
    assert hop.topic == "vault.procurement.requested"
    assert hop.lag == 7.0
    assert hop.consumers[0].per_s == 0.0
