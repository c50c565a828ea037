"""Lots: a lot's chain of custody, custody transfers, and signed adjustments.

GET  /v1/lots/{lot_id}     origin, trader, fill, phase, policy, custodian, lineage, movements
POST /v1/transfers         201 moved (a part moves as a split), 200 a retry, 409 refused
POST /v1/adjustments       201 adjusted, 200 a retry, 409 refused
(``Idempotency-Key`` or the body's id: a retry is answered with what was done.)
"""

from __future__ import annotations

from fastapi import Response

from services.inventory import views
from services.inventory.api import Ctx
from services.inventory.api.client_ids import IdempotencyKey, request_id
from services.inventory.api.schemas import AdjustmentIn, AdjustmentOut, TransferIn, TransferOut
from services.inventory.domain import (
    AdjustmentRefused,
    AdjustmentRequest,
    IdReused,
    NoSuchLot,
    Transferred,
    TransferRefused,
    TransferRequest,
)
from services.inventory.handlers.adjust_holding import Adjusted, adjust_holding
from services.inventory.handlers.transfer_custody import transfer_custody
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.json import json_response
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(tags=["lots"])


@router.get("/lots/{lot_id:path}", response_model=None, responses=problem_responses(404))
async def lot(who: OpsReader, lot_id: str, ctx: Ctx) -> Response:
    """A lot's chain of custody: origin, trader, fill, phase and policy, custodian, lineage."""
    custody = await views.lot_custody(ctx.service.pool, lot_id)
    if custody is None:
        raise not_found(f"no lot {lot_id!r}")
    return json_response(custody)


def refusal(outcome: TransferRefused | AdjustmentRefused | NoSuchLot | IdReused) -> ProblemError:
    """Why a custody command did nothing, as its problem document."""
    if isinstance(outcome, TransferRefused):
        extensions = {"transfer_id": outcome.transfer_id}
        return ProblemError(409, "transfer_refused", outcome.reason, extensions=extensions)
    if isinstance(outcome, AdjustmentRefused):
        extensions = {"adjustment_id": outcome.adjustment_id}
        return ProblemError(409, "adjustment_refused", outcome.reason, extensions=extensions)
    if isinstance(outcome, NoSuchLot):
        return not_found(outcome.detail)
    extensions = {"request_id": outcome.request_id}
    return ProblemError(422, "idempotency_key_reused", outcome.detail, extensions=extensions)


@router.post(
    "/transfers",
    status_code=201,
    response_model=TransferOut,
    responses=problem_responses(400, 404, 409, 422, 503),
)
async def transfer(
    who: ProgramAdmin,
    body: TransferIn,
    ctx: Ctx,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TransferOut:
    """Move (part of) a lot into another warehouse's custody; part of a lot moves as a split."""
    command = TransferRequest(
        transfer_id=request_id("transfer", body.transfer_id, idempotency_key),
        lot_id=body.lot_id,
        to_warehouse_id=body.to_warehouse_id,
        quantity=body.quantity,
    )
    async with ctx.service.transaction() as conn:
        outcome = await transfer_custody(conn, command, now=ctx.now())
    if not isinstance(outcome, Transferred):
        raise refusal(outcome)
    if outcome.replayed:
        response.status_code = 200
    return TransferOut.model_validate(outcome, from_attributes=True)


@router.post(
    "/adjustments",
    status_code=201,
    response_model=AdjustmentOut,
    responses=problem_responses(400, 404, 409, 422, 503),
)
async def adjust(
    who: ProgramAdmin,
    body: AdjustmentIn,
    ctx: Ctx,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> AdjustmentOut:
    """Correct one lot's balance by a signed quantity; a reason and an author are required."""
    if body.quantity == 0:
        raise ProblemError(
            422, "invalid_quantity", "an adjustment of zero changes nothing", field="quantity"
        )
    command = AdjustmentRequest(
        adjustment_id=request_id("adjustment", body.adjustment_id, idempotency_key),
        lot_id=body.lot_id,
        quantity=body.quantity,
        reason=body.reason,
        author=body.author,
    )
    async with ctx.service.transaction() as conn:
        outcome = await adjust_holding(conn, command, now=ctx.now())
    if not isinstance(outcome, Adjusted):
        raise refusal(outcome)
    if outcome.replayed:
        response.status_code = 200
    movement = outcome.movement
    return AdjustmentOut(
        adjustment_id=command.adjustment_id,
        movement_id=movement.movement_id,
        lot_id=movement.lot_id,
        warehouse_id=movement.warehouse_id,
        quantity=movement.quantity,
        unit=movement.unit.value,
        reason=movement.reason or "",
        author=movement.author or "",
        at=movement.at,
        replayed=outcome.replayed,
    )
