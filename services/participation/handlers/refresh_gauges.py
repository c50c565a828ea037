"""Participation's gauges, from its own tables: overdue obligations, days of supply."""

from __future__ import annotations

from prometheus_client import Gauge

from services.participation import views
from shared.service import Service, every

EVERY_S = 10.0

OVERDUE = Gauge(
    "vault_participation_obligations_overdue", "Obligations to replenish past their due date"
)
DAYS = Gauge(
    "vault_participation_program_days_of_supply",
    "Days of supply the stockpile holds for the program, per mineral",
    ["mineral"],
)
TARGET = Gauge(
    "vault_participation_program_target_days",
    "The program's coverage target in days, per mineral",
    ["mineral"],
)


async def refresh(service: Service) -> None:
    today = service.context.today()
    OVERDUE.set(await views.overdue_count(service.pool, today))
    found = await views.coverage(service.pool, today, None, None)
    DAYS.clear()
    TARGET.clear()
    for row in found["program"]:
        if row["days"] is not None:
            DAYS.labels(row["mineral"]).set(float(row["days"]))
        TARGET.labels(row["mineral"]).set(row["target_days"])


gauges = every(lambda _: EVERY_S, refresh, "participation_gauges")
