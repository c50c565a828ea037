"""Disruptions: a program admin declares and ends one per mineral.

POST /v1/disruptions                    201 declared, 200 already in force (program admin)
POST /v1/disruptions/{mineral}/end      200 ended, 404 none in force (program admin)
GET  /v1/disruptions[?all=true]         in force (or every one)
"""

from __future__ import annotations

from fastapi import Response

from services.participation import views
from services.participation.api import Ctx
from services.participation.api.schemas import DisruptionIn
from services.participation.handlers import disruptions
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.json import json_response, plain
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(tags=["disruptions"])


@router.post("/disruptions", status_code=201, responses=problem_responses(401, 403, 422))
async def declare(body: DisruptionIn, caller: ProgramAdmin, ctx: Ctx) -> Response:
    """Declare a supply disruption of a mineral: draw rights widen as each agreement says."""
    if ctx.catalogue.get(body.mineral) is None:
        raise ProblemError(422, "unknown_mineral", f"{body.mineral!r} is not in the catalogue")
    async with ctx.service.transaction() as conn:
        found, declared = await disruptions.declare(conn, body.mineral, body.reason, ctx.now())
    return json_response(plain(dict(found)), status_code=201 if declared else 200)


@router.post("/disruptions/{mineral}/end", responses=problem_responses(401, 403, 404))
async def end(mineral: str, caller: ProgramAdmin, ctx: Ctx) -> Response:
    async with ctx.service.transaction() as conn:
        found = await disruptions.end(conn, mineral, ctx.now())
    if found is None:
        raise not_found(f"no disruption of {mineral!r} is in force")
    return json_response(plain({**dict(found), "ended_at": ctx.now()}))


@router.get("/disruptions", responses=problem_responses(401, 403))
async def listed(caller: OpsReader, ctx: Ctx, all: bool = False) -> Response:
    items = await views.disruption_list(ctx.service.pool, in_force_only=not all)
    return json_response({"items": plain(items)})
