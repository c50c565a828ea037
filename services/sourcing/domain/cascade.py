"""cascade: send what a failed leg left undone to the next candidate down the waterfall."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from services.sourcing.domain.allocation import Allocation, SourcingContext, place
from services.sourcing.domain.eligibility import NO_EXCLUSIONS, Exclusions
from services.sourcing.domain.errors import InvalidValue
from services.sourcing.domain.legs import Leg, OfferLeg
from services.sourcing.domain.procurement import ProcurementRequest
from services.sourcing.domain.values import require_decimal


def cascade(
    request: ProcurementRequest,
    failed: Leg,
    remainder: Decimal,
    context: SourcingContext,
    *,
    first_sequence: int,
    exclusions: Exclusions = NO_EXCLUSIONS,
) -> Allocation:
    """Route `remainder` of a rejected, expired or partly filled leg elsewhere.

    `remainder` is what the leg left undone: all of it when rejected or expired
    unfilled, the unfilled part after a partial fill. The failed offer (or, for
    a mandate, the specialist) joins `exclusions`, which should carry those of
    earlier failures of the same request. The remainder's open quantity and
    value are released from the failed trader before routing. The failed
    offer's quantity is not returned to the supply book: its trader did not
    honour it, so it is no longer taken as available.
    """
    if failed.request_id != request.request_id:
        raise InvalidValue(f"leg {failed.leg_id} does not belong to request {request.request_id}")
    require_decimal(remainder, "remainder")
    if remainder > failed.quantity:
        raise InvalidValue(
            f"remainder {remainder} exceeds the {failed.quantity} of leg {failed.leg_id}"
        )
    price = failed.unit_price if isinstance(failed, OfferLeg) else failed.limit_price
    roster = context.roster.releasing(failed.trader_id, remainder, remainder * price)
    return place(
        request,
        replace(context, roster=roster),
        quantity=remainder,
        first_sequence=first_sequence,
        exclusions=exclusions.after_failure(failed),
        cascaded_from=failed.leg_id,
    )
