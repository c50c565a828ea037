"""Issue 16: coverage against target: days of supply per mineral for the program, and per
manufacturer, beside each target; who is below it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.console.domain.coverage import below_target, days_against_target
from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.views import participation
from services.console.views.sources import Unavailable

router = APIRouter(tags=["pages"])


@router.get("/coverage", response_class=HTMLResponse)
async def coverage_page(request: Request, ctx: Ctx) -> HTMLResponse:
    errors: list[str] = []
    overdue: list[dict[str, object]] = []
    try:
        found = await participation.coverage(ctx)
        overdue = await participation.overdue_obligations(ctx)
    except Unavailable as exc:
        found, errors = {"program": [], "manufacturers": []}, [str(exc)]
    program = found["program"]
    manufacturers = found["manufacturers"]
    return page(
        request,
        ctx,
        "coverage.html",
        "coverage",
        program_chart=charts.bars(
            days_against_target(program, "mineral"),
            "Program: days of supply and target, per mineral",
            stacked=False,
            unit=" d",
            empty="No agreement is in force.",
        ),
        manufacturer_chart=charts.bars(
            days_against_target(manufacturers, "manufacturer_id"),
            "Per manufacturer: days of supply and target",
            stacked=False,
            unit=" d",
            empty="No agreement is in force.",
        ),
        program=program,
        below=below_target(manufacturers),
        overdue=overdue,
        errors=errors,
    )
