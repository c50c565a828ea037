"""Reference prices and tolerances: set by a program admin, read by ops.

POST /v1/reference-prices             201 set (200 unchanged): a dated price with its source
GET  /v1/reference-prices             every price held (?mineral=)
GET  /v1/reference-prices/{mineral}   the price in force (?on=, ?form=), 404 if none
PUT  /v1/tolerances/{mineral}         the deviation a fill may have before it needs approval
GET  /v1/tolerances                   every tolerance
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Response

from services.treasury import views
from services.treasury.api import Ctx, answer
from services.treasury.api.schemas import ReferencePriceIn, ToleranceIn
from services.treasury.context import Treasury
from services.treasury.domain.prices import in_force
from services.treasury.handlers.set_policy import set_reference_price, set_tolerance
from shared.contracts import PriceToleranceSet, ReferencePriceSet, UnitPrice
from shared.http.app import router as api_router
from shared.http.auth import OpsReader, ProgramAdmin
from shared.http.problems import ProblemError, not_found, problem_responses

router = api_router(tags=["reference prices"])


def known_mineral(ctx: Treasury, mineral: str, unit: str | None = None) -> None:
    found = ctx.catalogue.get(mineral)
    if found is None:
        raise ProblemError(422, "unknown_mineral", f"{mineral!r} is not in the catalogue")
    if unit is not None and found.unit.value != unit:
        raise ProblemError(
            422, "wrong_unit", f"{mineral} is priced per {found.unit.value}, not per {unit}"
        )


@router.post("/reference-prices", status_code=201, responses=problem_responses(401, 403, 422, 503))
async def post_reference_price(
    body: ReferencePriceIn, caller: ProgramAdmin, ctx: Ctx, response: Response
) -> dict[str, Any]:
    """Set a mineral's reference price from a day on (replaces that day's, if any)."""
    known_mineral(ctx, body.mineral, body.unit)
    price = ReferencePriceSet(
        mineral=body.mineral,
        form=body.form,
        effective_on=body.effective_on,
        price=UnitPrice(amount=body.price, per=body.unit),
        source=body.source,
        set_by=caller.principal,
        set_at=ctx.now(),
    )
    async with ctx.service.transaction() as conn:
        changed = await set_reference_price(conn, price)
    if not changed:
        response.status_code = 200
    return answer({"changed": changed, **price.model_dump(mode="json")})


@router.get("/reference-prices", responses=problem_responses(401, 403))
async def list_reference_prices(
    _: OpsReader, ctx: Ctx, mineral: str | None = None
) -> dict[str, Any]:
    return answer({"items": await views.reference_rows(ctx.service.pool, mineral)})


@router.get("/reference-prices/{mineral}", responses=problem_responses(401, 403, 404))
async def reference_in_force(
    mineral: str, _: OpsReader, ctx: Ctx, on: date | None = None, form: str = ""
) -> dict[str, Any]:
    """The reference in force for ``mineral`` (and ``form``) on a day (today by default)."""
    day = on or ctx.today()
    found = in_force(await views.reference_prices(ctx.service.pool, mineral), mineral, day, form)
    if found is None:
        raise not_found(f"no reference price for {mineral} in force on {day}")
    return answer(
        {
            "mineral": found.mineral,
            "form": found.form,
            "effective_on": found.effective_on,
            "price": found.price,
            "unit": found.unit,
            "source": found.source,
            "on": day,
        }
    )


@router.put("/tolerances/{mineral}", responses=problem_responses(401, 403, 422, 503))
async def put_tolerance(
    mineral: str, body: ToleranceIn, caller: ProgramAdmin, ctx: Ctx
) -> dict[str, Any]:
    known_mineral(ctx, mineral)
    tolerance = PriceToleranceSet(
        mineral=mineral, tolerance=body.tolerance, set_by=caller.principal, set_at=ctx.now()
    )
    async with ctx.service.transaction() as conn:
        await set_tolerance(conn, tolerance)
    return answer(tolerance.model_dump(mode="json"))


@router.get("/tolerances", responses=problem_responses(401, 403))
async def list_tolerances(_: OpsReader, ctx: Ctx) -> dict[str, Any]:
    return answer({"items": await views.tolerances(ctx.service.pool)})
