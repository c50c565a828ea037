"""Releases: a manufacturer draws its own material out in a supply shock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from services.inventory.api.context import Ctx, request_id
from services.inventory.api.problems import Problem
from services.inventory.api.schemas import (
    REPLENISHMENT_PREFIX_LENGTH,
    DrawOut,
    ReleaseIn,
    ReleaseOut,
    ReplenishmentOut,
)
from services.inventory.domain import ReleaseRefused
from services.inventory.handlers.receipts import catalogue_units
from services.inventory.handlers.releases import Released, ReleaseRequest, release
from services.inventory.handlers.requests import IdReused
from services.inventory.repository import ledger, releases
from shared.catalogue import load_catalogue

router = APIRouter(prefix="/v1", tags=["releases"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def release_out(done: Released) -> ReleaseOut:
    record = done.record
    return ReleaseOut(
        release_id=record.release_id,
        manufacturer_id=record.manufacturer_id,
        mineral=record.mineral,
        quantity=record.quantity,
        unit=record.unit.value,
        warehouse_id=record.warehouse_id,
        rule=record.rule,
        draws=[
            DrawOut(
                lot_id=m.lot_id,
                warehouse_id=m.warehouse_id,
                quantity=-m.quantity,
                movement_id=m.movement_id,
            )
            for m in done.draws
        ],
        replenishment=ReplenishmentOut(
            request_id=record.replenishment_request_id, deliver_by=record.deliver_by
        ),
        performed_at=record.performed_at,
        replayed=done.replayed,
    )


def _check_mineral(body: ReleaseIn) -> None:
    mineral = load_catalogue().get(body.mineral)
    if mineral is None:
        raise Problem(422, "unknown-mineral", f"{body.mineral!r} is not in the mineral catalogue")
    if body.unit is not None and body.unit != mineral.unit.value:
        raise Problem(
            422,
            "unit-mismatch",
            f"{body.mineral} is counted in {mineral.unit.value}; the release says {body.unit}",
        )
    # The catalogue's per-order ceiling catches typos (kg for t, extra zeros), and the
    # replenishment demand this release raises would be refused above it anyway.
    if body.quantity > mineral.max_order_quantity:
        raise Problem(
            422,
            "quantity-above-ceiling",
            f"{body.quantity} {mineral.unit.value} of {body.mineral} is above the "
            f"{mineral.max_order_quantity} {mineral.unit.value} one order may ask for; "
            "release it in parts",
        )


@router.post("/releases", status_code=201, response_model=ReleaseOut)
async def perform_release(
    body: ReleaseIn, ctx: Ctx, response: Response, idempotency_key: IdempotencyKey = None
) -> ReleaseOut:
    """Draw material out, oldest lots first (FIFO); a replenishment demand follows.

    Never more than is held for the manufacturer (in the warehouse, if one is named).
    Send a ``release_id`` or an ``Idempotency-Key`` (the manufacturer's own id, unique
    per manufacturer) so that a retry is not drawn twice.
    """
    _check_mineral(body)
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
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await release(
            conn, command, now=ctx.clock(), lead_days=ctx.replenishment_lead_days
        )
    if isinstance(outcome, ReleaseRefused):
        raise Problem(
            409,
            "insufficient-holdings",
            outcome.reason,
            release_id=outcome.release_id,
            held=outcome.held,
            requested=outcome.requested,
            unit=catalogue_units()[body.mineral].value,
        )
    if isinstance(outcome, IdReused):
        raise Problem(422, "idempotency-key-reused", outcome.detail, release_id=outcome.request_id)
    response.headers["location"] = (
        f"/v1/manufacturers/{outcome.record.manufacturer_id}/releases/{outcome.record.release_id}"
    )
    if outcome.replayed:
        response.status_code = 200
    return release_out(outcome)


@router.get("/manufacturers/{manufacturer_id}/releases/{release_id}", response_model=ReleaseOut)
async def get_release(manufacturer_id: str, release_id: str, ctx: Ctx) -> ReleaseOut:
    async with ctx.pool.acquire() as conn:
        record = await releases.get(conn, manufacturer_id, release_id)
        if record is None:
            raise Problem(
                404, "release-not-found", f"no release {release_id!r} for {manufacturer_id!r}"
            )
        draws = await ledger.movements_of_release(conn, manufacturer_id, release_id)
    return release_out(Released(record, draws, replayed=True))
