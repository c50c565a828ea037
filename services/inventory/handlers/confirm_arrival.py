"""A custodian confirms an arrival: judged against the fill's title, recorded once."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from services.inventory.domain.arrivals import Arrival, ArrivalRefused, Titled, judge_arrival
from services.inventory.repository import arrivals
from shared.db import Connection

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Recorded:
    arrival: Arrival
    titled: Titled | None
    created: bool  # False: the same arrival was recorded before


@dataclass(frozen=True, slots=True)
class AlreadyArrived:
    existing: Arrival


async def confirm_arrival(
    conn: Connection, arrival: Arrival
) -> Recorded | ArrivalRefused | AlreadyArrived:
    titled = await arrivals.title_of(conn, arrival.fill_id)
    refused = judge_arrival(arrival, titled)
    if refused is not None:
        return refused
    if await arrivals.insert(conn, arrival):
        log.info(
            "arrival_confirmed",
            arrival_id=arrival.arrival_id,
            fill_id=arrival.fill_id,
            warehouse_id=arrival.warehouse_id,
            weighed=str(arrival.weighed),
            titled=None if titled is None else str(titled.quantity),
        )
        return Recorded(arrival, titled, created=True)
    existing = await arrivals.find(conn, arrival.arrival_id, arrival.fill_id)
    assert existing is not None
    if existing == arrival:
        return Recorded(existing, titled, created=False)
    return AlreadyArrived(existing)
