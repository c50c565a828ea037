"""What is held, how it got there, and whether the ledger explains it.

GET /v1/holdings                       totals within each mineral by the chosen dimensions
GET /v1/minerals/{mineral}/history     the mineral's ledger, a page at a time
GET /v1/check                          balances rebuilt from the ledger against the live ones
(JSON, or CSV with ``format=csv`` or ``Accept: text/csv``.)
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response

from services.inventory import views
from services.inventory.api import Ctx
from services.inventory.api.export import csv_response, wants_csv
from services.inventory.api.schemas import CheckOut, DiscrepancyOut
from services.inventory.handlers.check_ledger import check_ledger
from shared.access.entitlements import list_scope
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, OwnOrOps
from shared.http.json import json_response
from shared.http.problems import ProblemError, not_found, problem_responses
from shared.http.text import INT64_MAX

router = api_router(tags=["holdings"])

Format = Annotated[Literal["json", "csv"] | None, Query(description="or Accept: text/csv")]
DEFAULT_GROUPS = "warehouse,tier,origin_country,owner,lot"


def _groups(group_by: str) -> list[str]:
    wanted = [g.strip() for g in group_by.split(",") if g.strip() and g.strip() != "mineral"]
    unknown = [g for g in wanted if g not in views.GROUPS]
    if unknown:
        raise ProblemError(
            422,
            "invalid_group",
            f"cannot group by {', '.join(unknown)}; choose from mineral, {', '.join(views.GROUPS)}",
            field="group_by",
        )
    return list(dict.fromkeys(wanted))


@router.get("/holdings", response_model=None, responses=problem_responses(422))
async def holdings(
    who: OwnOrOps,
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
    scope = list_scope(who, owner)  # a manufacturer's own holdings only; another's: 404
    if not scope.allowed:
        raise not_found("no such holdings")
    owner = scope.owner
    groups = _groups(group_by)
    where = views.HoldingsFilter(
        mineral=mineral,
        warehouse_id=warehouse,
        tier=tier,
        owner=owner,
        origin_country=origin_country,
    )
    rows = await views.holdings(ctx.service.pool, where, groups)
    if wants_csv(request, format):
        return csv_response(rows, views.holdings_columns(groups), "holdings.csv")
    return json_response({"group_by": ["mineral", *groups], "holdings": rows})


@router.get("/minerals/{mineral}/history", response_model=None)
async def mineral_history(
    who: OwnOrOps,
    request: Request,
    mineral: str,
    ctx: Ctx,
    after: Annotated[
        int, Query(ge=0, le=INT64_MAX, description="ledger sequence to continue after")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    owner: str | None = None,
    format: Format = None,
) -> Response:
    """Every movement of a mineral in ledger order, a page at a time (a manufacturer's:
    its own material's only)."""
    scope = list_scope(who, owner)
    if not scope.allowed:
        raise not_found("no such history")
    owner = scope.owner
    rows = await views.mineral_history(
        ctx.service.pool, mineral, after=after, limit=limit, owner=owner
    )
    if wants_csv(request, format):
        return csv_response(rows, views.HISTORY_COLUMNS, f"{mineral}-history.csv")
    next_after = rows[-1]["seq"] if len(rows) == limit else None
    return json_response({"mineral": mineral, "movements": rows, "next_after": next_after})


@router.get("/check", response_model=CheckOut)
async def check(who: OpsReader, ctx: Ctx) -> CheckOut:
    """Rebuild balances from the movements and compare them with the live balances."""
    async with ctx.service.pool.acquire() as conn:
        report = await check_ledger(conn, now=ctx.now())
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
