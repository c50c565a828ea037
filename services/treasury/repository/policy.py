"""Treasury's own facts: reference prices, tolerances, annual ceilings, funding sources."""

from __future__ import annotations

from shared.contracts import (
    AnnualCeilingSet,
    FundingSourceSet,
    PriceToleranceSet,
    ReferencePriceSet,
)
from shared.db import Connection


async def save_reference_price(conn: Connection, price: ReferencePriceSet) -> bool:
    """Store (or replace) the price for its mineral, form and day; whether anything changed."""
    row = await conn.fetchrow(
        "INSERT INTO reference_prices AS r (mineral, form, effective_on, price, unit, source,"
        " set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (mineral, form, effective_on) DO UPDATE SET price = excluded.price,"
        " unit = excluded.unit, source = excluded.source, set_by = excluded.set_by,"
        " set_at = excluded.set_at"
        " WHERE (r.price, r.unit, r.source) IS DISTINCT FROM"
        " (excluded.price, excluded.unit, excluded.source) RETURNING 1",
        price.mineral,
        price.form,
        price.effective_on,
        price.price.amount,
        price.price.per,
        price.source,
        price.set_by,
        price.set_at,
    )
    return row is not None


async def save_tolerance(conn: Connection, tolerance: PriceToleranceSet) -> None:
    await _upsert(
        conn,
        "price_tolerances",
        ("mineral",),
        {
            "mineral": tolerance.mineral,
            "tolerance": tolerance.tolerance,
            "set_by": tolerance.set_by,
            "set_at": tolerance.set_at,
        },
    )


async def save_ceiling(conn: Connection, ceiling: AnnualCeilingSet) -> None:
    await _upsert(
        conn,
        "annual_ceilings",
        ("mineral", "year"),
        {
            "mineral": ceiling.mineral,
            "year": ceiling.year,
            "ceiling_usd": ceiling.ceiling_usd,
            "set_by": ceiling.set_by,
            "set_at": ceiling.set_at,
        },
    )


async def save_funding_source(conn: Connection, source: FundingSourceSet) -> None:
    await _upsert(
        conn,
        "funding_sources",
        ("source_id",),
        {
            "source_id": source.source_id,
            "name": source.name,
            "kind": source.kind,
            "ceiling_usd": source.ceiling_usd,
            "available_from": source.available_from,
            "set_by": source.set_by,
            "set_at": source.set_at,
        },
    )


async def _upsert(
    conn: Connection, table: str, key: tuple[str, ...], values: dict[str, object]
) -> None:
    names = list(values)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in key)
    placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    await conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
        *values.values(),
    )
