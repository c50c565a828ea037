"""Agreements: a program admin sets a manufacturer's terms (a new version each time).

PUT /v1/agreements/{manufacturer_id}            201 a new version (program admin)
GET /v1/agreements/{manufacturer_id}            every version, newest first
GET /v1/rights/{manufacturer_id}/{mineral}      what it may draw now (the shared rule)
"""

from __future__ import annotations

from fastapi import Response

from services.participation import views
from services.participation.api import Ctx, only_for
from services.participation.api.schemas import AgreementIn, AgreementSaved
from services.participation.handlers.set_agreement import set_agreement
from shared.http.app import router as api_router
from shared.http.auth import Authenticated, ProgramAdmin
from shared.http.json import json_response, plain
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(tags=["agreements"])


@router.put(
    "/agreements/{manufacturer_id}",
    status_code=201,
    response_model=AgreementSaved,
    responses=problem_responses(401, 403, 422, 503),
)
async def put_agreement(
    manufacturer_id: str, body: AgreementIn, caller: ProgramAdmin, ctx: Ctx, response: Response
) -> AgreementSaved:
    """Set the agreement: each mineral's commitment, set price, consumption and draw rights."""
    for term in body.terms:
        mineral = ctx.catalogue.get(term.mineral)
        if mineral is None:
            raise ProblemError(422, "unknown_mineral", f"{term.mineral!r} is not in the catalogue")
        if mineral.unit.value != term.unit:
            raise ProblemError(
                422, "wrong_unit", f"{term.mineral} is counted in {mineral.unit}, not {term.unit}"
            )
    async with ctx.service.transaction() as conn:
        saved = await set_agreement(
            conn,
            manufacturer_id,
            body.effective_from,
            body.terms,
            set_by=caller.principal,
            now=ctx.now(),
        )
    response.headers["location"] = f"/v1/agreements/{manufacturer_id}"
    return AgreementSaved(
        manufacturer_id=saved.manufacturer_id,
        version=saved.version,
        effective_from=saved.effective_from,
    )


@router.get("/agreements/{manufacturer_id}", responses=problem_responses(401, 404))
async def get_agreement(manufacturer_id: str, caller: Authenticated, ctx: Ctx) -> Response:
    only_for(caller, manufacturer_id)
    found = await views.agreement(ctx.service.pool, manufacturer_id)
    if found is None:
        raise not_found(f"no agreement for {manufacturer_id!r}")
    return json_response(plain(found))


@router.get("/rights/{manufacturer_id}/{mineral}", responses=problem_responses(401, 404))
async def get_rights(
    manufacturer_id: str, mineral: str, caller: Authenticated, ctx: Ctx
) -> Response:
    """What it may draw of the mineral now: its own holdings, and its pool share in a disruption."""
    only_for(caller, manufacturer_id)
    found = await views.rights(ctx.service.pool, ctx.today(), manufacturer_id, mineral)
    assert found is not None
    return json_response(plain(found))
