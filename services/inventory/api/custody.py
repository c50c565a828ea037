"""Custody transfers between warehouses, and signed adjustments with a reason and an author."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from services.inventory.api.context import Ctx, request_id
from services.inventory.api.problems import Problem
from services.inventory.api.schemas import AdjustmentIn, AdjustmentOut, TransferIn, TransferOut
from services.inventory.domain import AdjustmentRefused, TransferRefused
from services.inventory.handlers.adjustments import AdjustmentRequest, adjust
from services.inventory.handlers.requests import IdReused, NotFound
from services.inventory.handlers.transfers import TransferRequest, transfer

router = APIRouter(prefix="/v1", tags=["custody"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def _refuse(outcome: NotFound | IdReused) -> Problem:
    if isinstance(outcome, NotFound):
        return Problem(404, f"{outcome.what}-not-found", outcome.detail)
    return Problem(422, "idempotency-key-reused", outcome.detail, request_id=outcome.request_id)


@router.post("/transfers", status_code=201, response_model=TransferOut)
async def transfer_custody(
    body: TransferIn, ctx: Ctx, response: Response, idempotency_key: IdempotencyKey = None
) -> TransferOut:
    """Move (part of) a lot into another warehouse's custody; part of a lot moves as a split."""
    command = TransferRequest(
        transfer_id=request_id("transfer", body.transfer_id, idempotency_key),
        lot_id=body.lot_id,
        to_warehouse_id=body.to_warehouse_id,
        quantity=body.quantity,
    )
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await transfer(conn, command, now=ctx.clock())
    if isinstance(outcome, TransferRefused):
        raise Problem(409, "transfer-refused", outcome.reason, transfer_id=outcome.transfer_id)
    if isinstance(outcome, NotFound | IdReused):
        raise _refuse(outcome)
    if outcome.replayed:
        response.status_code = 200
    return TransferOut(
        transfer_id=outcome.transfer_id,
        source_lot_id=outcome.source_lot_id,
        lot_id=outcome.lot_id,
        split=outcome.split,
        from_warehouse_id=outcome.from_warehouse_id,
        to_warehouse_id=outcome.to_warehouse_id,
        quantity=outcome.quantity,
        unit=outcome.unit.value,
        at=outcome.at,
        replayed=outcome.replayed,
    )


@router.post("/adjustments", status_code=201, response_model=AdjustmentOut)
async def adjust_holding(
    body: AdjustmentIn, ctx: Ctx, response: Response, idempotency_key: IdempotencyKey = None
) -> AdjustmentOut:
    """Correct one lot's balance by a signed quantity; a reason and an author are required."""
    if body.quantity == 0:
        raise Problem(422, "invalid-quantity", "an adjustment of zero changes nothing")
    if not body.reason.strip() or not body.author.strip():
        raise Problem(422, "invalid-request", "an adjustment needs a reason and an author")
    command = AdjustmentRequest(
        adjustment_id=request_id("adjustment", body.adjustment_id, idempotency_key),
        lot_id=body.lot_id,
        quantity=body.quantity,
        reason=body.reason,
        author=body.author,
    )
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await adjust(conn, command, now=ctx.clock())
    if isinstance(outcome, AdjustmentRefused):
        raise Problem(
            409, "adjustment-refused", outcome.reason, adjustment_id=outcome.adjustment_id
        )
    if isinstance(outcome, NotFound | IdReused):
        raise _refuse(outcome)
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
