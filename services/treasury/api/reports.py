"""Premiums paid, valuation, and the exports for lenders and participants.

GET /v1/premiums                 sums per ?group_by=mineral|tier|trader|period (?from=, ?to=)
GET /v1/premiums/fills           each fill: its reference, deviation and premiums
GET /v1/valuation                the stockpile at cost and at reference, per mineral and warehouse
GET /v1/exports/{report}         spend | premiums | fill-premiums | valuation, ?format=csv|json
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from services.treasury import views
from services.treasury.api import Ctx, answer
from services.treasury.api.funding import spend_report
from services.treasury.domain import reports
from services.treasury.domain.exports import to_csv
from services.treasury.domain.premiums import GroupBy, premium_of
from services.treasury.domain.prices import in_force
from services.treasury.domain.valuation import value
from shared.http.app import router as api_router
from shared.http.auth import OpsReader
from shared.http.json import plain
from shared.http.problems import problem_responses

router = api_router(tags=["reports"])

Since = Annotated[date | None, Query(alias="from")]
Until = Annotated[date | None, Query(alias="to")]
Report = Literal["spend", "premiums", "fill-premiums", "valuation"]


async def premiums_report(
    ctx: Ctx, by: GroupBy, since: date | None, until: date | None
) -> dict[str, Any]:
    premiums = [premium_of(f) for f in await views.priced_fills(ctx.service.pool, since, until)]
    rows = reports.premium_rows(premiums, by)
    return {
        "group_by": by,
        "from": since,
        "to": until,
        "items": rows,
        "totals": reports.totals(
            rows, "spent_usd", "premium_over_allied_usd", "premium_over_reference_usd"
        ),
    }


async def fill_premiums_report(ctx: Ctx, since: date | None, until: date | None) -> dict[str, Any]:
    premiums = [premium_of(f) for f in await views.priced_fills(ctx.service.pool, since, until)]
    return {"from": since, "to": until, "items": reports.fill_premium_rows(premiums)}


async def valuation_report(ctx: Ctx, on: date | None) -> dict[str, Any]:
    day = on or ctx.today()
    prices = await views.reference_prices(ctx.service.pool)

    def reference(mineral: str) -> Any:
        found = in_force(prices, mineral, day)
        return None if found is None else found.price

    rows = reports.valuation_rows(value(await views.lots(ctx.service.pool), reference))
    return {
        "on": day,
        "items": rows,
        "totals": reports.totals(rows, "at_cost_usd", "at_reference_usd"),
    }


@router.get("/premiums", responses=problem_responses(401, 403, 422))
async def get_premiums(
    _: OpsReader, ctx: Ctx, since: Since = None, until: Until = None, group_by: GroupBy = "mineral"
) -> dict[str, Any]:
    """Premium paid over the best allied alternative passed over, and over the reference."""
    return answer(await premiums_report(ctx, group_by, since, until))


@router.get("/premiums/fills", responses=problem_responses(401, 403, 422))
async def get_fill_premiums(
    _: OpsReader, ctx: Ctx, since: Since = None, until: Until = None
) -> dict[str, Any]:
    return answer(await fill_premiums_report(ctx, since, until))


@router.get("/valuation", responses=problem_responses(401, 403, 422))
async def get_valuation(_: OpsReader, ctx: Ctx, on: date | None = None) -> dict[str, Any]:
    """What is held, at its cost (each lot at its fill's price) and at the reference in force."""
    return answer(await valuation_report(ctx, on))


@router.get("/exports/{report}", responses=problem_responses(401, 403, 422))
async def export(
    report: Report,
    _: OpsReader,
    ctx: Ctx,
    since: Since = None,
    until: Until = None,
    format: Literal["csv", "json"] = "json",
    group_by: GroupBy = "mineral",
    year: int | None = None,
) -> Response:
    """A report for lenders and participants, for a period, as CSV or JSON."""
    body: dict[str, Any]
    match report:
        case "spend":
            body, columns = await spend_report(ctx, year), reports.SPEND_COLUMNS
        case "premiums":
            body = await premiums_report(ctx, group_by, since, until)
            columns = reports.PREMIUM_COLUMNS
        case "fill-premiums":
            body = await fill_premiums_report(ctx, since, until)
            columns = reports.FILL_PREMIUM_COLUMNS
        case "valuation":
            body, columns = await valuation_report(ctx, until), reports.VALUATION_COLUMNS
    if format == "csv":
        return PlainTextResponse(
            to_csv(body["items"], columns),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{report}.csv"'},
        )
    return JSONResponse(plain({"report": report, **body}))
