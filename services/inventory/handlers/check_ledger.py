"""The check: rebuild balances from the ledger and compare them with the live ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.inventory.domain import Discrepancy, check
from services.inventory.repository import ledger
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class CheckReport:
    agrees: bool
    movements: int
    balances: int
    discrepancies: list[Discrepancy]
    checked_at: datetime


async def check_ledger(conn: Connection, *, now: datetime) -> CheckReport:
    # One snapshot for both reads: a movement committed between them would
    # otherwise show up as a difference that is not there.
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        movements = await ledger.all_movements(conn)
        live = await ledger.live_balances(conn)
    found = check(live, movements)
    return CheckReport(
        agrees=not found,
        movements=len(movements),
        balances=len(live),
        discrepancies=found,
        checked_at=now,
    )
