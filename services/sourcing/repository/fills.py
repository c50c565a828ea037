"""Fills accepted against legs, in SQL: known ones looked up and new ones stored per batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.sourcing.domain import FillAccepted, KnownFill
from shared.db import Connection, columns


async def known(conn: Connection, fill_ids: Iterable[str]) -> dict[str, KnownFill]:
    """The fills already recorded under these ids, read under their orders' locks."""
    rows = await conn.fetch(
        "SELECT fill_id, leg_id, quantity FROM fills WHERE fill_id = ANY($1::text[])",
        sorted(set(fill_ids)),
    )
    return {row["fill_id"]: KnownFill(row["leg_id"], row["quantity"]) for row in rows}


async def insert(conn: Connection, fills: Sequence[FillAccepted]) -> None:
    if not fills:
        return
    await conn.execute(
        """
        INSERT INTO fills (fill_id, leg_id, order_id, trader_id, quantity, unit_price,
                           origin_country, tier, warehouse_id, lot_reference, phase,
                           policy_version, filled_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[],
                             $6::numeric[], $7::text[], $8::text[], $9::text[], $10::text[],
                             $11::text[], $12::text[], $13::timestamptz[])
        """,
        *columns(
            fills,
            lambda accepted: (
                accepted.fill.fill_id,
                accepted.fill.leg_id,
                accepted.fill.order_id,
                accepted.fill.trader_id,
                accepted.fill.quantity.amount,
                accepted.fill.unit_price.amount,
                accepted.fill.origin_country,
                accepted.tier,
                accepted.fill.warehouse_id,
                accepted.fill.lot_reference,
                accepted.leg.phase,
                accepted.policy_version,
                accepted.fill.filled_at,
            ),
        ),
    )
