"""The domain's refusal codes as HTTP answers: the status and title of each, and the problem.

A table rather than a rule per route, so that a refusal code added without a status
fails the unit tests instead of surfacing as a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from services.trader_gateway.domain import Refusal, RefusalCode
from shared.http.problems import ProblemError

_C = RefusalCode

STATUS: Mapping[RefusalCode, tuple[int, str]] = MappingProxyType(
    {
        _C.VALIDATION: (422, "Invalid request content"),
        # The title every Vault API gives its 404 (shared.http.problems.not_found).
        _C.NOT_FOUND: (404, "Not Found"),
        _C.UNAUTHORISED: (401, "Unauthorised"),
        _C.FORBIDDEN: (403, "Forbidden"),
        # A leg that was filled, declined or cancelled is a state conflict, not bad input.
        _C.LEG_NOT_OPEN: (409, "Leg is not open"),
        _C.DEADLINE_PASSED: (422, "Leg deadline has passed"),
        _C.INVALID_QUANTITY: (422, "Invalid quantity"),
        _C.OVER_FILL: (422, "Fill exceeds what is left on the leg"),
        _C.INVALID_PRICE: (422, "Invalid price"),
        _C.PRICE_ABOVE_LIMIT: (422, "Price above the leg's limit"),
        _C.MINERAL_MISMATCH: (422, "Mineral does not match the leg"),
        _C.UNIT_MISMATCH: (422, "Unit does not match"),
        _C.FILLED_AT_IN_FUTURE: (422, "Fill time is in the future"),
        _C.FILLED_AT_BEFORE_LEG: (422, "Fill time is before the leg was routed"),
        _C.INVALID_ORIGIN_COUNTRY: (422, "Invalid origin country"),
        _C.ORIGIN_MISMATCH: (422, "Origin is not the offer's"),
        _C.ORIGIN_EXCLUDED: (422, "Origin excluded in the leg's phase"),
        _C.BATCH_TOO_LARGE: (422, "Too many fills in one batch"),
        _C.INVALID_REASON: (422, "Invalid decline reason"),
        # The remainder moved (a fill landed) since the trader looked: re-read and retry.
        _C.DECLINE_QUANTITY_MISMATCH: (409, "Decline does not match the remainder"),
        # A fill on the leg awaits a program admin's approval: decline once it is decided.
        _C.FILL_PENDING: (409, "A fill on the leg awaits approval"),
        _C.NOT_PENDING: (409, "The fill is no longer pending"),
        _C.MARKET_NOT_REGISTERED: (403, "Not registered for this market"),
        _C.INVALID_VALID_UNTIL: (422, "Invalid offer validity"),
        _C.OFFER_NOT_ACTIVE: (409, "Offer is not active"),
    }
)


def problem(refusal: Refusal, headers: Mapping[str, str] | None = None) -> ProblemError:
    status, title = STATUS[refusal.code]
    return ProblemError(
        status,
        refusal.code.value,
        refusal.message,
        title=title,
        field=refusal.field,
        extensions=dict(refusal.extensions),
        headers=headers,
    )


def document(refusal: Refusal) -> dict[str, Any]:
    """The problem document of a refusal, for answers that carry several (a batch)."""
    return problem(refusal).document()
