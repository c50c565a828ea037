"""Treasury's read side: what it holds and learnt, as the domain's values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from services.treasury.domain.premiums import PricedFill
from services.treasury.domain.prices import ReferencePrice, in_force
from services.treasury.domain.spend import FillMoney, FundingSource, LegMoney
from services.treasury.domain.valuation import LotHolding

Pool = asyncpg.Pool


async def reference_prices(pool: Pool, mineral: str | None = None) -> list[ReferencePrice]:
    rows = await pool.fetch(
        "SELECT mineral, form, effective_on, price, unit, source FROM reference_prices"
        " WHERE $1::text IS NULL OR mineral = $1 ORDER BY mineral, form, effective_on",
        mineral,
    )
    return [ReferencePrice(**dict(r)) for r in rows]


async def reference_rows(pool: Pool, mineral: str | None = None) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT mineral, form, effective_on, price, unit, source, set_by, set_at"
        " FROM reference_prices WHERE $1::text IS NULL OR mineral = $1"
        " ORDER BY mineral, form, effective_on",
        mineral,
    )
    return [dict(r) for r in rows]


async def tolerances(pool: Pool) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT mineral, tolerance, set_by, set_at FROM price_tolerances ORDER BY mineral"
    )
    return [dict(r) for r in rows]


async def ceilings(pool: Pool) -> dict[tuple[str, int], Decimal]:
    rows = await pool.fetch("SELECT mineral, year, ceiling_usd FROM annual_ceilings")
    return {(r["mineral"], r["year"]): r["ceiling_usd"] for r in rows}


async def ceiling_rows(pool: Pool) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT mineral, year, ceiling_usd, set_by, set_at FROM annual_ceilings"
        " ORDER BY mineral, year"
    )
    return [dict(r) for r in rows]


async def funding_sources(pool: Pool) -> list[FundingSource]:
    rows = await pool.fetch(
        "SELECT source_id, name, kind, ceiling_usd AS ceiling FROM funding_sources"
        " ORDER BY source_id"
    )
    return [FundingSource(**dict(r)) for r in rows]


async def legs(pool: Pool) -> list[LegMoney]:
    rows = await pool.fetch(
        "SELECT l.leg_id, l.mineral, extract(year FROM l.routed_at AT TIME ZONE 'UTC')::int AS year,"
        " l.quantity, l.limit_price, coalesce(f.filled, 0) AS filled,"
        " c.leg_id IS NULL AS open"
        " FROM legs l"
        " LEFT JOIN (SELECT leg_id, sum(quantity) AS filled FROM fills GROUP BY leg_id) f"
        " USING (leg_id) LEFT JOIN leg_closings c USING (leg_id)"
    )
    return [LegMoney(**dict(r)) for r in rows]


async def fills(
    pool: Pool, since: date | None = None, until: date | None = None
) -> list[FillMoney]:
    rows = await pool.fetch(
        "SELECT fill_id, mineral, extract(year FROM filled_at AT TIME ZONE 'UTC')::int AS year,"
        " quantity, unit_price"
        f" FROM fills WHERE {_PERIOD}",
        since,
        until,
    )
    return [FillMoney(**dict(r)) for r in rows]


_PERIOD = (
    "($1::date IS NULL OR (filled_at AT TIME ZONE 'UTC')::date >= $1)"
    " AND ($2::date IS NULL OR (filled_at AT TIME ZONE 'UTC')::date <= $2)"
)


async def priced_fills(
    pool: Pool, since: date | None = None, until: date | None = None
) -> list[PricedFill]:
    """Every fill with its tier, the best allied price its decision passed over and the
    reference price in force on its day."""
    rows = await pool.fetch(
        "SELECT f.fill_id, f.order_id, f.mineral, coalesce(t.tier, l.tier) AS tier,"
        " f.trader_id, (f.filled_at AT TIME ZONE 'UTC')::date AS filled_on, f.quantity, f.unit,"
        " f.unit_price, a.best_allied_price"
        " FROM fills f LEFT JOIN fill_tiers t USING (fill_id) LEFT JOIN legs l USING (leg_id)"
        f" LEFT JOIN leg_alternatives a USING (leg_id) WHERE {_PERIOD.replace('filled_at', 'f.filled_at')}"
        " ORDER BY f.filled_at, f.fill_id",
        since,
        until,
    )
    prices = await reference_prices(pool)
    priced = []
    for r in rows:
        reference = in_force(prices, r["mineral"], r["filled_on"])
        priced.append(
            PricedFill(**dict(r), reference_price=None if reference is None else reference.price)
        )
    return priced


async def lots(pool: Pool) -> list[LotHolding]:
    rows = await pool.fetch(
        "SELECT b.lot_id, b.mineral, b.warehouse_id, b.balance AS quantity, b.unit,"
        " f.unit_price AS unit_cost FROM lot_balances b"
        " LEFT JOIN lot_fills lf USING (lot_id) LEFT JOIN fills f USING (fill_id)"
        " ORDER BY b.mineral, b.warehouse_id, b.lot_id"
    )
    return [LotHolding(**dict(r)) for r in rows]
