"""Annual ceilings as sourcing learnt them, and its own tally against them in SQL.

The tally of a mineral's year (UTC), as treasury reports it: committed is what the open
legs routed that year have not filled yet at their price (the offer's, or the mandate's
limit); spent is every fill confirmed that year at its price, whenever its leg was
routed (a leg routed in December and filled in January is spent in January).
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.contracts import AnnualCeilingSet
from shared.db import Connection
from shared.treasury_rules import Tally


async def save(conn: Connection, ceiling: AnnualCeilingSet) -> bool:
    """Keep the ceiling unless a later setting is held; whether it was kept."""
    kept = await conn.fetchval(
        """
        INSERT INTO annual_ceilings AS c (mineral, year, ceiling_usd, set_by, set_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (mineral, year) DO UPDATE
            SET ceiling_usd = excluded.ceiling_usd, set_by = excluded.set_by,
                set_at = excluded.set_at
            WHERE c.set_at <= excluded.set_at
        RETURNING true
        """,
        ceiling.mineral,
        ceiling.year,
        ceiling.ceiling_usd,
        ceiling.set_by,
        ceiling.set_at,
    )
    return bool(kept)


async def capped(conn: Connection, minerals: Iterable[str], year: int) -> list[str]:
    """Those of ``minerals`` with an annual ceiling for ``year``."""
    rows = await conn.fetch(
        "SELECT mineral FROM annual_ceilings WHERE mineral = ANY($1::text[]) AND year = $2 "
        "ORDER BY mineral",
        sorted(set(minerals)),
        year,
    )
    return [row["mineral"] for row in rows]


async def tallies(
    conn: Connection, minerals: Iterable[str], year: int, *, closing: Iterable[str] = ()
) -> dict[str, Tally]:
    """Per mineral with a ceiling for ``year``: its ceiling, spent and committed; the legs
    ``closing`` commit nothing more."""
    rows = await conn.fetch(
        """
        SELECT c.mineral, c.ceiling_usd,
               COALESCE((SELECT sum(greatest(l.quantity - l.filled, 0) * l.unit_price)
                         FROM legs l
                         WHERE l.mineral = c.mineral AND l.status = 'open'
                           AND l.leg_id <> ALL($3::text[])
                           AND extract(year FROM l.created_at AT TIME ZONE 'UTC') = $2), 0)
                   AS committed,
               COALESCE((SELECT sum(f.quantity * f.unit_price)
                         FROM fills f JOIN legs l ON l.leg_id = f.leg_id
                         WHERE l.mineral = c.mineral
                           AND extract(year FROM f.filled_at AT TIME ZONE 'UTC') = $2), 0)
                   AS spent
        FROM annual_ceilings c
        WHERE c.mineral = ANY($1::text[]) AND c.year = $2
        """,
        sorted(set(minerals)),
        year,
        sorted(set(closing)),
    )
    return {
        row["mineral"]: Tally(row["ceiling_usd"], spent=row["spent"], committed=row["committed"])
        for row in rows
    }
