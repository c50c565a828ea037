"""The book read back: commitments and their cover, coverage against target, obligations.

GET /v1/commitments[?manufacturer_id=&mineral=]    in force today, how far covered
GET /v1/coverage[?manufacturer_id=&mineral=]       days of supply against target
GET /v1/obligations[?manufacturer_id=&status=]     open | overdue | closed | all
"""

from __future__ import annotations

from fastapi import Response

from services.participation import views
from services.participation.api import Ctx, only_for
from services.participation.api.schemas import ObligationStatus
from shared.http.app import router as api_router
from shared.http.auth import Authenticated
from shared.http.json import json_response, plain
from shared.http.problems import problem_responses

router = api_router(tags=["book"])


@router.get("/commitments", responses=problem_responses(401, 404))
async def get_commitments(
    caller: Authenticated, ctx: Ctx, manufacturer_id: str | None = None, mineral: str | None = None
) -> Response:
    who = only_for(caller, manufacturer_id)
    items = await views.commitments_in_force(ctx.service.pool, ctx.today(), who, mineral)
    return json_response({"as_of": plain(ctx.today()), "items": plain(items)})


@router.get("/coverage", responses=problem_responses(401, 404))
async def get_coverage(
    caller: Authenticated, ctx: Ctx, manufacturer_id: str | None = None, mineral: str | None = None
) -> Response:
    who = only_for(caller, manufacturer_id)
    return json_response(plain(await views.coverage(ctx.service.pool, ctx.today(), who, mineral)))


@router.get("/obligations", responses=problem_responses(401, 404))
async def get_obligations(
    caller: Authenticated,
    ctx: Ctx,
    manufacturer_id: str | None = None,
    status: ObligationStatus = "open",
) -> Response:
    who = only_for(caller, manufacturer_id)
    items = await views.obligation_list(ctx.service.pool, ctx.today(), who, status)
    return json_response({"as_of": plain(ctx.today()), "items": plain(items)})
