"""Funding sources, annual ceilings, and spend against them.

PUT /v1/funding-sources/{source_id}   a loan tranche or private capital, and its ceiling
PUT /v1/ceilings/{mineral}/{year}     the most spent + committed on a mineral in a year
GET /v1/ceilings                      every annual ceiling
GET /v1/spend                         per mineral and year: spent, committed, ceiling, headroom;
                                      overall against the funding sources (?year=)
"""

from __future__ import annotations

from typing import Any

from services.treasury import views
from services.treasury.api import Ctx, answer
from services.treasury.api.prices import known_mineral
from services.treasury.api.schemas import CeilingIn, FundingSourceIn
from services.treasury.domain import reports
from services.treasury.domain.spend import funding, spend_lines
from services.treasury.handlers.set_policy import set_ceiling, set_funding_source
from shared.contracts import AnnualCeilingSet, FundingSourceSet
from shared.contracts.common import Identifier
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.problems import ProblemError, problem_responses

router = api_router(tags=["funding"])


@router.put("/funding-sources/{source_id}", responses=problem_responses(401, 403, 422, 503))
async def put_funding_source(
    source_id: Identifier, body: FundingSourceIn, caller: ProgramAdmin, ctx: Ctx
) -> dict[str, Any]:
    source = FundingSourceSet(
        source_id=source_id,
        name=body.name,
        kind=body.kind,
        ceiling_usd=body.ceiling_usd,
        available_from=body.available_from,
        set_by=caller.principal,
        set_at=ctx.now(),
    )
    async with ctx.service.transaction() as conn:
        await set_funding_source(conn, source)
    return answer(source.model_dump(mode="json"))


@router.put("/ceilings/{mineral}/{year}", responses=problem_responses(401, 403, 422, 503))
async def put_ceiling(
    mineral: str, year: int, body: CeilingIn, caller: ProgramAdmin, ctx: Ctx
) -> dict[str, Any]:
    known_mineral(ctx, mineral)
    if not 2000 <= year <= 2200:
        raise ProblemError(422, "bad_year", f"{year} is not a year of the program")
    ceiling = AnnualCeilingSet(
        mineral=mineral,
        year=year,
        ceiling_usd=body.ceiling_usd,
        set_by=caller.principal,
        set_at=ctx.now(),
    )
    async with ctx.service.transaction() as conn:
        await set_ceiling(conn, ceiling)
    return answer(ceiling.model_dump(mode="json"))


@router.get("/ceilings", responses=problem_responses(401, 403))
async def list_ceilings(_: OpsReader, ctx: Ctx) -> dict[str, Any]:
    return answer({"items": await views.ceiling_rows(ctx.service.pool)})


async def spend_report(ctx: Ctx, year: int | None = None) -> dict[str, Any]:
    pool = ctx.service.pool
    lines = spend_lines(await views.legs(pool), await views.fills(pool), await views.ceilings(pool))
    overall = funding(await views.funding_sources(pool), lines)
    if year is not None:
        lines = [line for line in lines if line.year == year]
    return {"items": reports.spend_rows(lines), "funding": reports.funding_row(overall)}


@router.get("/spend", responses=problem_responses(401, 403))
async def get_spend(_: OpsReader, ctx: Ctx, year: int | None = None) -> dict[str, Any]:
    """Spent on booked fills and committed on open legs, per mineral and year, against the
    annual ceilings; and overall against every funding source."""
    return answer(await spend_report(ctx, year))
