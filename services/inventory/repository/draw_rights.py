"""The draw rights inventory keeps (migrations/016): agreements' draw terms, disruptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.inventory.domain.lots import LotBalance
from services.inventory.repository.lots import _L_COLUMNS, lot_from_row
from shared.contracts.participation import AgreementSet, DisruptionDeclared, DisruptionEnded
from shared.db import Connection

# Agreement draws of one mineral take turns: they may draw other participants' lots.
POOL = 7_411_116


@dataclass(frozen=True, slots=True)
class DrawTerm:
    manufacturer_id: str
    version: int
    mineral: str
    unit: str
    set_price: Decimal
    pool_share: Decimal
    replenish_within_days: int


async def save_agreements(conn: Connection, agreements: Sequence[AgreementSet]) -> None:
    for a in agreements:
        await conn.execute(
            "INSERT INTO draw_agreements (manufacturer_id, version, effective_from)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            a.manufacturer_id,
            a.version,
            a.effective_from,
        )
        await conn.executemany(
            "INSERT INTO draw_terms (manufacturer_id, version, effective_from, mineral, unit,"
            " set_price, pool_share, replenish_within_days) VALUES ($1, $2, $3, $4, $5, $6, $7,"
            " $8) ON CONFLICT DO NOTHING",
            [
                (
                    a.manufacturer_id,
                    a.version,
                    a.effective_from,
                    t.mineral,
                    t.unit,
                    t.set_price,
                    t.disruption_pool_share,
                    t.replenish_within_days,
                )
                for t in a.terms
            ],
        )


async def declared(conn: Connection, events: Sequence[DisruptionDeclared]) -> None:
    for d in events:
        await conn.execute(
            "INSERT INTO draw_disruptions (mineral, disruption_id, declared_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (mineral) DO UPDATE SET disruption_id = EXCLUDED.disruption_id,"
            " declared_at = EXCLUDED.declared_at",
            d.mineral,
            d.disruption_id,
            d.declared_at,
        )


async def ended(conn: Connection, events: Sequence[DisruptionEnded]) -> None:
    for d in events:
        await conn.execute(
            "DELETE FROM draw_disruptions WHERE mineral = $1 AND disruption_id = $2",
            d.mineral,
            d.disruption_id,
        )


async def term(conn: Connection, manufacturer_id: str, mineral: str, day: date) -> DrawTerm | None:
    """The manufacturer's draw terms for the mineral under its agreement version in force."""
    row = await conn.fetchrow(
        "WITH current AS (SELECT version FROM draw_agreements WHERE manufacturer_id = $1"
        " AND effective_from <= $3 ORDER BY version DESC LIMIT 1)"
        " SELECT t.* FROM draw_terms t JOIN current c USING (version)"
        " WHERE t.manufacturer_id = $1 AND t.mineral = $2",
        manufacturer_id,
        mineral,
        day,
    )
    if row is None:
        return None
    return DrawTerm(
        manufacturer_id=row["manufacturer_id"],
        version=row["version"],
        mineral=row["mineral"],
        unit=row["unit"],
        set_price=row["set_price"],
        pool_share=row["pool_share"],
        replenish_within_days=row["replenish_within_days"],
    )


async def disrupted(conn: Connection, mineral: str) -> bool:
    found = await conn.fetchval("SELECT 1 FROM draw_disruptions WHERE mineral = $1", mineral)
    return found is not None


async def lock_pool(conn: Connection, mineral: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", POOL, mineral)


async def others_held_for_update(
    conn: Connection, manufacturer_id: str, mineral: str, warehouse_id: str | None
) -> list[LotBalance]:
    """The other participants' lots of ``mineral`` that hold something, oldest first, locked."""
    rows = await conn.fetch(
        f"SELECT {_L_COLUMNS}, b.quantity FROM lots l "
        "JOIN balances b ON b.lot_id = l.lot_id AND b.warehouse_id = l.warehouse_id "
        "WHERE b.quantity > 0 AND l.owner <> $1 AND l.mineral = $2 "
        "AND ($3::text IS NULL OR l.warehouse_id = $3) "
        "ORDER BY l.received_at, l.lot_id FOR UPDATE OF b",
        manufacturer_id,
        mineral,
        warehouse_id,
    )
    return [LotBalance(lot_from_row(row), row["quantity"]) for row in rows]
