"""Read API for ops and manufacturers: holdings, an order's receipts, history, a lot's custody."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from services.inventory import views
from services.inventory.api.context import Ctx
from services.inventory.api.encoding import json_response
from services.inventory.api.export import csv_response, wants_csv
from services.inventory.api.problems import Problem
from services.inventory.api.schemas import CheckOut, DiscrepancyOut
from services.inventory.api.warehouses import held_out
from services.inventory.handlers.check import check_ledger
from services.inventory.repository import held_fills
from services.inventory.repository.ledger import MOVEMENT_COLUMNS

router = APIRouter(prefix="/v1", tags=["holdings"])

Format = Annotated[Literal["json", "csv"] | None, Query(description="or Accept: text/csv")]
DEFAULT_GROUPS = "warehouse,tier,origin_country,owner,lot"
HISTORY_COLUMNS = [c.strip() for c in MOVEMENT_COLUMNS.split(",")] + ["recorded_at"]


def _groups(group_by: str) -> list[str]:
    wanted = [g.strip() for g in group_by.split(",") if g.strip() and g.strip() != "mineral"]
    unknown = [g for g in wanted if g not in views.GROUPS]
    if unknown:
        raise Problem(
            422,
            "invalid-group",
            f"cannot group by {', '.join(unknown)}; choose from mineral, {', '.join(views.GROUPS)}",
        )
    return list(dict.fromkeys(wanted))


@router.get("/holdings", response_model=None)
async def holdings(
    request: Request,
    ctx: Ctx,
    mineral: str | None = None,
    warehouse: str | None = None,
    tier: Literal["domestic", "allied", "other"] | None = None,
    owner: str | None = None,
    origin_country: str | None = None,
    group_by: Annotated[str, Query(description="comma-separated: " + ", ".join(views.GROUPS))] = (
        DEFAULT_GROUPS
    ),
    format: Format = None,
) -> Response:
    """What is held, totalled within each mineral by the chosen dimensions (JSON or CSV)."""
    groups = _groups(group_by)
    where = views.HoldingsFilter(
        mineral=mineral,
        warehouse_id=warehouse,
        tier=tier,
        owner=owner,
        origin_country=origin_country,
    )
    rows = await views.holdings(ctx.pool, where, groups)
    if wants_csv(request, format):
        return csv_response(rows, views.holdings_columns(groups), "holdings.csv")
    return json_response({"group_by": ["mineral", *groups], "holdings": rows})


@router.get("/orders/{order_id}/receipts", response_model=None)
async def order_receipts(order_id: str, ctx: Ctx) -> Response:
    """What an order put on the books, fill by fill, and any of its fills held for ops."""
    receipts = await views.order_receipts(ctx.pool, order_id)
    held = await held_fills.listed(ctx.pool, order_id=order_id)
    received = sum((r["quantity"] for r in receipts), Decimal(0))
    return json_response(
        {
            "order_id": order_id,
            "received": received,
            "unit": receipts[0]["unit"] if receipts else None,
            "receipts": receipts,
            "held": [held_out(h).model_dump(mode="json") for h in held],
        }
    )


@router.get("/minerals/{mineral}/history", response_model=None)
async def mineral_history(
    request: Request,
    mineral: str,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, description="ledger sequence to continue after")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    owner: str | None = None,
    format: Format = None,
) -> Response:
    """Every movement of a mineral in ledger order, a page at a time."""
    rows = await views.mineral_history(ctx.pool, mineral, after=after, limit=limit, owner=owner)
    if wants_csv(request, format):
        return csv_response(rows, HISTORY_COLUMNS, f"{mineral}-history.csv")
    next_after = rows[-1]["seq"] if len(rows) == limit else None
    return json_response({"mineral": mineral, "movements": rows, "next_after": next_after})


@router.get("/lots/{lot_id:path}", response_model=None)
async def lot(lot_id: str, ctx: Ctx) -> Response:
    """A lot's chain of custody: origin, trader, fill, phase and policy, custodian, lineage."""
    custody = await views.lot_custody(ctx.pool, lot_id)
    if custody is None:
        raise Problem(404, "lot-not-found", f"no lot {lot_id!r}")
    return json_response(custody)


@router.get("/check", response_model=CheckOut)
async def check(ctx: Ctx) -> CheckOut:
    """Rebuild balances from the movements and compare them with the live balances."""
    async with ctx.pool.acquire() as conn:
        report = await check_ledger(conn)
    return CheckOut(
        agrees=report.agrees,
        movements=report.movements,
        balances=report.balances,
        discrepancies=[
            DiscrepancyOut(
                kind=d.kind.value,
                detail=d.detail,
                lot_id=d.key.lot_id if d.key else None,
                warehouse_id=d.key.warehouse_id if d.key else None,
                live=d.live,
                rebuilt=d.rebuilt,
            )
            for d in report.discrepancies
        ],
        checked_at=report.checked_at,
    )
