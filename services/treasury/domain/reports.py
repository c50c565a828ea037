"""The reports treasury answers and exports, as rows of plain values (one shape for JSON and
CSV): spend against ceilings and funding, premiums paid, valuation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from services.treasury.domain.premiums import FillPremium, GroupBy, summarise
from services.treasury.domain.spend import Funding, SpendLine
from services.treasury.domain.valuation import Valuation

Row = dict[str, Any]

SPEND_COLUMNS: tuple[str, ...] = (
    "mineral",
    "year",
    "spent_usd",
    "committed_usd",
    "unpriced_open",
    "ceiling_usd",
    "headroom_usd",
    "exceeded",
)
PREMIUM_COLUMNS: tuple[str, ...] = (
    "group",
    "fills",
    "spent_usd",
    "premium_over_allied_usd",
    "premium_over_reference_usd",
    "fills_without_reference",
)
FILL_PREMIUM_COLUMNS: tuple[str, ...] = (
    "fill_id",
    "order_id",
    "mineral",
    "tier",
    "trader_id",
    "filled_on",
    "quantity",
    "unit",
    "unit_price",
    "best_allied_price",
    "reference_price",
    "deviation",
    "premium_over_allied_usd",
    "premium_over_reference_usd",
)
VALUATION_COLUMNS: tuple[str, ...] = (
    "mineral",
    "warehouse_id",
    "quantity",
    "unit",
    "lots",
    "at_cost_usd",
    "reference_price",
    "at_reference_usd",
    "uncosted_quantity",
)


def spend_rows(lines: Iterable[SpendLine]) -> list[Row]:
    return [
        {
            "mineral": line.mineral,
            "year": line.year,
            "spent_usd": line.spent,
            "committed_usd": line.committed,
            "unpriced_open": line.unpriced_open,
            "ceiling_usd": line.ceiling,
            "headroom_usd": line.headroom,
            "exceeded": line.exceeded,
        }
        for line in lines
    ]


def funding_row(funding: Funding) -> Row:
    return {
        "sources": [
            {"source_id": s.source_id, "name": s.name, "kind": s.kind, "ceiling_usd": s.ceiling}
            for s in funding.sources
        ],
        "ceiling_usd": funding.ceiling,
        "spent_usd": funding.spent,
        "committed_usd": funding.committed,
        "headroom_usd": funding.headroom,
        "exceeded": funding.exceeded,
    }


def premium_rows(premiums: Iterable[FillPremium], by: GroupBy) -> list[Row]:
    return [
        {
            "group": g.key,
            "fills": g.fills,
            "spent_usd": g.spent,
            "premium_over_allied_usd": g.over_allied,
            "premium_over_reference_usd": g.over_reference,
            "fills_without_reference": g.fills_without_reference,
        }
        for g in summarise(premiums, by)
    ]


def fill_premium_rows(premiums: Iterable[FillPremium]) -> list[Row]:
    return [
        {
            "fill_id": p.fill.fill_id,
            "order_id": p.fill.order_id,
            "mineral": p.fill.mineral,
            "tier": p.fill.tier,
            "trader_id": p.fill.trader_id,
            "filled_on": p.fill.filled_on,
            "quantity": p.fill.quantity,
            "unit": p.fill.unit,
            "unit_price": p.fill.unit_price,
            "best_allied_price": p.fill.best_allied_price,
            "reference_price": p.fill.reference_price,
            "deviation": None if p.deviation is None else round(p.deviation, 6),
            "premium_over_allied_usd": p.over_allied,
            "premium_over_reference_usd": p.over_reference,
        }
        for p in premiums
    ]


def valuation_rows(valuations: Iterable[Valuation]) -> list[Row]:
    return [
        {
            "mineral": v.mineral,
            "warehouse_id": v.warehouse_id,
            "quantity": v.quantity,
            "unit": v.unit,
            "lots": v.lots,
            "at_cost_usd": v.at_cost,
            "reference_price": v.reference_price,
            "at_reference_usd": v.at_reference,
            "uncosted_quantity": v.uncosted_quantity,
        }
        for v in valuations
    ]


def totals(rows: Iterable[Mapping[str, Any]], *keys: str) -> dict[str, Decimal]:
    """The sum of each of ``keys`` over ``rows`` (a missing value adds nothing)."""
    rows = list(rows)
    return {k: sum((r[k] for r in rows if r.get(k) is not None), Decimal(0)) for k in keys}
