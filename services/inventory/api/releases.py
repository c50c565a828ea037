"""Releases: a manufacturer draws its own material out in a supply shock.

POST /v1/releases                                     201 drawn, 200 a retry, 409 above holdings
GET  /v1/manufacturers/{manufacturer_id}/releases/{release_id}   a release performed
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from services.inventory import views
from services.inventory.api import Ctx
from services.inventory.api.client_ids import IdempotencyKey, request_id
from services.inventory.api.schemas import (
    REPLENISHMENT_PREFIX_LENGTH,
    DrawOut,
    ReleaseIn,
    ReleaseOut,
    ReplenishmentOut,
)
from services.inventory.domain import (
    IdReused,
    Release,
    ReleaseRefused,
    ReleaseRequest,
    check_request,
)
from services.inventory.handlers.draw import perform_draw
from shared.access.entitlements import may_act_for, may_read
from shared.http.app import router as api_router
from shared.http.auth import Caller, OwnOrOps, Role, forbidden, requires
from shared.http.problems import ProblemError, not_found, problem_responses
from shared.participation_rules import DrawRefused

Drawer = Annotated[Caller, Depends(requires(Role.MANUFACTURER, Role.PROGRAM_ADMIN))]

router = api_router(tags=["releases"])


def release_out(release: Release, *, replayed: bool) -> ReleaseOut:
    return ReleaseOut(
        release_id=release.release_id,
        manufacturer_id=release.manufacturer_id,
        mineral=release.mineral,
        quantity=release.quantity,
        unit=release.unit.value,
        warehouse_id=release.warehouse_id,
        rule=release.rule,
        draws=[
            DrawOut(
                lot_id=m.lot_id,
                warehouse_id=m.warehouse_id,
                quantity=-m.quantity,
                movement_id=m.movement_id,
            )
            for m in release.draws
        ],
        replenishment=ReplenishmentOut(
            request_id=release.replenishment_request_id,
            deliver_by=release.deliver_by,
            limit_price=release.replenishment_limit,
        ),
        performed_at=release.performed_at,
        replayed=replayed,
    )


@router.post(
    "/releases",
    status_code=201,
    response_model=ReleaseOut,
    responses=problem_responses(400, 403, 409, 422, 503),
)
async def release(
    who: Drawer,
    body: ReleaseIn,
    ctx: Ctx,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReleaseOut:
    """Draw material out, oldest lots first (FIFO); a replenishment demand follows.

    Never more than is held for the manufacturer (in the warehouse, if one is named).
    Send a ``release_id`` or an ``Idempotency-Key`` (the manufacturer's own id, unique
    per manufacturer) so that a retry is not drawn twice. A manufacturer draws its own
    material only (another's is 403); a program admin may on its behalf.
    """
    if not may_act_for(who, body.manufacturer_id):
        raise forbidden("this key may not release material in that manufacturer's name")
    mineral = ctx.catalogue.get(body.mineral)
    refused = check_request(body.mineral, body.quantity, body.unit, mineral)
    if refused is not None:
        raise ProblemError(422, refused.problem.value, refused.detail)
    assert mineral is not None
    command = ReleaseRequest(
        release_id=request_id(
            "release",
            body.release_id,
            idempotency_key,
            max_length=64 - REPLENISHMENT_PREFIX_LENGTH,
        ),
        manufacturer_id=body.manufacturer_id,
        mineral=body.mineral,
        quantity=body.quantity,
        warehouse_id=body.warehouse_id,
    )
    async with ctx.service.transaction() as conn:
        outcome = await perform_draw(  # issue 16: judged by the rights in force
            conn,
            command,
            now=ctx.now(),
            lead_days=ctx.replenishment_lead_days,
            price_headroom=ctx.replenishment_price_headroom,
        )
    if isinstance(outcome, DrawRefused):  # issue 16: beyond the agreement's rights
        raise ProblemError(
            403,
            "draw_beyond_rights",
            outcome.reason,
            extensions={
                "requested": outcome.requested,
                "may_draw_own": outcome.allowance.own,
                "may_draw_from_pool": outcome.allowance.pool,
                "unit": mineral.unit.value,
            },
        )
    if isinstance(outcome, ReleaseRefused):
        raise ProblemError(
            409,
            "insufficient_holdings",
            outcome.reason,
            extensions={
                "release_id": outcome.release_id,
                "held": outcome.held,
                "requested": outcome.requested,
                "unit": mineral.unit.value,
            },
        )
    if isinstance(outcome, IdReused):
        raise ProblemError(
            422,
            "idempotency_key_reused",
            outcome.detail,
            extensions={"release_id": outcome.request_id},
        )
    done = outcome.release
    response.headers["location"] = (
        f"/v1/manufacturers/{done.manufacturer_id}/releases/{done.release_id}"
    )
    if outcome.replayed:
        response.status_code = 200
    return release_out(done, replayed=outcome.replayed)


@router.get(
    "/manufacturers/{manufacturer_id}/releases/{release_id}",
    response_model=ReleaseOut,
    responses=problem_responses(404),
)
async def get_release(who: OwnOrOps, manufacturer_id: str, release_id: str, ctx: Ctx) -> ReleaseOut:
    mine = may_read(who, manufacturer_id)
    found = await views.release(ctx.service.pool, manufacturer_id, release_id) if mine else None
    if found is None:
        raise not_found("no such release")
    return release_out(found, replayed=True)
