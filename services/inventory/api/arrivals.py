"""Physical receipts apart from title (issue 17): the custodian's arrivals and what they show.

POST /v1/arrivals                  (a warehouse's custodian, or a program admin) weighed
                                   quantity, day, grade and assay for a fill; 201, 200 again
GET  /v1/arrivals/unreceived       fills whose title passed and whose arrival is not confirmed
GET  /v1/arrivals/unmatched        arrivals naming a fill inventory has not booked
GET  /v1/arrivals/variances        arrivals whose weight differs from title, with the reason
GET  /v1/holdings/physical         per mineral and warehouse: titled, in transit, confirmed
(JSON, or CSV with ``format=csv``.)
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.inventory.api import Ctx
from services.inventory.api.export import csv_response, wants_csv
from services.inventory.domain.arrivals import (
    Arrival,
    ArrivalRefused,
    Titled,
    physical_holdings,
    variance,
)
from services.inventory.handlers.confirm_arrival import AlreadyArrived, confirm_arrival
from services.inventory.repository import arrivals
from shared.contracts.common import Identifier, NonNegativeAmount
from shared.http.app import router as api_router
from shared.http.auth import Caller, OpsReader, Role, forbidden, requires
from shared.http.json import json_response
from shared.http.problems import ProblemError, problem_responses

router = api_router(tags=["arrivals"])

Custodian = Annotated[Caller, Depends(requires(Role.CUSTODIAN, Role.PROGRAM_ADMIN))]
Format = Annotated[Literal["json", "csv"] | None, Query()]


class ArrivalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    arrival_id: Identifier = Field(description="the custodian's id: a resend records nothing new")
    fill_id: Identifier
    warehouse_id: Identifier
    weighed_quantity: NonNegativeAmount
    unit: Literal["t", "kg"]
    arrived_on: date
    grade: str = Field(default="", max_length=120)
    assay: dict[str, str] = Field(default_factory=dict, max_length=40)
    variance_reason: str = Field(default="", max_length=500)


def _row(arrival: Arrival, titled: Titled | None) -> dict[str, Any]:
    return {
        "arrival_id": arrival.arrival_id,
        "fill_id": arrival.fill_id,
        "warehouse_id": arrival.warehouse_id,
        "lot_id": None if titled is None else titled.lot_id,
        "mineral": None if titled is None else titled.mineral,
        "titled": None if titled is None else titled.quantity,
        "weighed": arrival.weighed,
        "unit": arrival.unit,
        "variance": None if titled is None else variance(titled.quantity, arrival.weighed),
        "variance_reason": arrival.variance_reason,
        "arrived_on": arrival.arrived_on,
        "grade": arrival.grade,
        "assay": arrival.assay,
        "confirmed_by": arrival.confirmed_by,
    }


ARRIVAL_COLUMNS = (
    "arrival_id",
    "fill_id",
    "warehouse_id",
    "lot_id",
    "mineral",
    "titled",
    "weighed",
    "unit",
    "variance",
    "variance_reason",
    "arrived_on",
    "grade",
    "confirmed_by",
)


@router.post("/arrivals", status_code=201, responses=problem_responses(401, 403, 409, 422, 503))
async def post_arrival(body: ArrivalIn, caller: Custodian, ctx: Ctx, response: Response) -> Any:
    """Confirm that a fill's material arrived, as weighed; a difference needs its reason."""
    if caller.role is Role.CUSTODIAN and caller.subject != body.warehouse_id:
        raise forbidden("a custodian confirms arrivals at its own warehouse only")
    arrival = Arrival(
        arrival_id=body.arrival_id,
        fill_id=body.fill_id,
        warehouse_id=body.warehouse_id,
        weighed=body.weighed_quantity,
        unit=body.unit,
        arrived_on=body.arrived_on,
        grade=body.grade,
        assay=body.assay,
        variance_reason=body.variance_reason,
        confirmed_by=caller.principal,
    )
    async with ctx.service.transaction() as conn:
        outcome = await confirm_arrival(conn, arrival)
    if isinstance(outcome, ArrivalRefused):
        raise ProblemError(422, outcome.code, outcome.detail)
    if isinstance(outcome, AlreadyArrived):
        raise ProblemError(
            409, "already_arrived", f"fill {body.fill_id} arrived as {outcome.existing.arrival_id}"
        )
    return json_response(_row(outcome.arrival, outcome.titled), 201 if outcome.created else 200)


async def _joined(ctx: Ctx) -> tuple[list[Titled], list[Arrival]]:
    pool = ctx.service.pool
    return await arrivals.titles(pool), await arrivals.every(pool)


def _answer(
    request: Request,
    fmt: str | None,
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    name: str,
) -> Response:
    if wants_csv(request, fmt):
        return csv_response(rows, columns, f"{name}.csv")
    return json_response({"items": rows})


@router.get("/arrivals/unreceived", responses=problem_responses(401, 403))
async def unreceived(_: OpsReader, ctx: Ctx, request: Request, format: Format = None) -> Response:
    titles, arrived = await _joined(ctx)
    fills = {a.fill_id for a in arrived}
    rows = [
        {
            "fill_id": t.fill_id,
            "lot_id": t.lot_id,
            "mineral": t.mineral,
            "warehouse_id": t.warehouse_id,
            "titled": t.quantity,
            "unit": t.unit,
        }
        for t in titles
        if t.fill_id not in fills
    ]
    columns = ("fill_id", "lot_id", "mineral", "warehouse_id", "titled", "unit")
    return _answer(request, format, rows, columns, "unreceived")


@router.get("/arrivals/unmatched", responses=problem_responses(401, 403))
async def unmatched(_: OpsReader, ctx: Ctx, request: Request, format: Format = None) -> Response:
    titles, arrived = await _joined(ctx)
    known = {t.fill_id for t in titles}
    rows = [_row(a, None) for a in arrived if a.fill_id not in known]
    return _answer(request, format, rows, ARRIVAL_COLUMNS, "unmatched")


@router.get("/arrivals/variances", responses=problem_responses(401, 403))
async def variances(
    _: OpsReader,
    ctx: Ctx,
    request: Request,
    format: Format = None,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    titles, arrived = await _joined(ctx)
    by_fill = {t.fill_id: t for t in titles}
    rows = []
    for a in arrived:
        titled = by_fill.get(a.fill_id)
        if titled is None or variance(titled.quantity, a.weighed) == 0:
            continue
        if (since and a.arrived_on < since) or (until and a.arrived_on > until):
            continue
        rows.append(_row(a, titled))
    return _answer(request, format, rows, ARRIVAL_COLUMNS, "variances")


@router.get("/holdings/physical", responses=problem_responses(401, 403))
async def physical(_: OpsReader, ctx: Ctx, request: Request, format: Format = None) -> Response:
    """Title passed, in transit, and physically confirmed, per mineral and warehouse:
    title of what arrived minus its variances is what is physically confirmed."""
    titles, arrived = await _joined(ctx)
    rows = [
        {
            "mineral": line.mineral,
            "warehouse_id": line.warehouse_id,
            "unit": line.unit,
            "titled": line.titled,
            "in_transit": line.in_transit,
            "received_title": line.received_title,
            "variances": line.variances,
            "physical": line.physical,
        }
        for line in physical_holdings(titles, arrived)
    ]
    columns = (
        "mineral",
        "warehouse_id",
        "unit",
        "titled",
        "in_transit",
        "received_title",
        "variances",
        "physical",
    )
    return _answer(request, format, rows, columns, "physical-holdings")
