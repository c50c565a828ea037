"""Inventory learns the rights it enforces on draws: participation's agreements and disruptions."""

from __future__ import annotations

from collections.abc import Sequence

from services.inventory.repository import draw_rights
from shared.contracts.participation import AgreementSet, DisruptionDeclared, DisruptionEnded
from shared.db import Connection
from shared.envelope import Envelope


async def agreements_set(conn: Connection, arrived: Sequence[Envelope[AgreementSet]]) -> None:
    await draw_rights.save_agreements(conn, [e.payload for e in arrived])


async def disruptions_declared(
    conn: Connection, arrived: Sequence[Envelope[DisruptionDeclared]]
) -> None:
    await draw_rights.declared(conn, [e.payload for e in arrived])


async def disruptions_ended(conn: Connection, arrived: Sequence[Envelope[DisruptionEnded]]) -> None:
    await draw_rights.ended(conn, [e.payload for e in arrived])
