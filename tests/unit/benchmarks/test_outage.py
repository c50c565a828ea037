"""The benchmark's catch-up figure: from a service's return to the last earlier order booked."""

from __future__ import annotations

import math

from benchmarks.e2e_orders import Tracker
from benchmarks.e2e_outage import OutageTimes, figures


def _tracker(orders: dict[str, tuple[float, float | None]]) -> Tracker:
    """request id -> (published at, booked at or None)."""
    tracker = Tracker("maker", list(orders))
    for request, (published, booked) in orders.items():
        tracker.published[request] = published
        tracker.accepted(request, f"order-{request}")
        if booked is not None:
            tracker.booked(f"order-{request}", booked)
    return tracker


def test_catch_up_is_from_the_return_to_the_last_order_published_before_it_being_booked() -> None:
    tracker = _tracker(
        {
            "before": (1.0, 1.1),
            "during-1": (12.0, 75.0),
            "during-2": (40.0, 78.5),  # the last of the backlog
            "after": (71.0, 90.0),  # published after the return: not backlog
        }
    )
    found = figures(tracker, OutageTimes(killed=10.0, returned=70.0))
    assert found == {"outage_s": 60.0, "catch_up_s": 8.5, "backlog_orders": 2.0}


def test_no_catch_up_figure_while_part_of_the_backlog_is_still_unbooked() -> None:
    tracker = _tracker({"during": (12.0, None), "during-2": (20.0, 71.0)})
    found = figures(tracker, OutageTimes(killed=10.0, returned=70.0))
    assert math.isnan(found["catch_up_s"])
    assert found["backlog_orders"] == 2.0


def test_no_figures_when_the_service_never_came_back() -> None:
    found = figures(_tracker({"a": (1.0, 2.0)}), OutageTimes(killed=10.0))
    assert math.isnan(found["outage_s"])
    assert math.isnan(found["catch_up_s"])
