"""Refusal codes -> HTTP status and title, for RFC 9457 problem details.

Kept in the domain package, though it speaks HTTP, so that adding a refusal code
without deciding its status fails the unit tests instead of surfacing as a 500.
"""

from dataclasses import dataclass
from types import MappingProxyType

from services.trader_gateway.domain.refusals import RefusalCode


@dataclass(frozen=True, slots=True)
class ProblemType:
    status: int
    title: str


_C = RefusalCode

PROBLEM_TYPES: MappingProxyType[RefusalCode, ProblemType] = MappingProxyType(
    {
        _C.MALFORMED_REQUEST: ProblemType(400, "Malformed request"),
        _C.VALIDATION: ProblemType(422, "Invalid request content"),
        _C.NOT_FOUND: ProblemType(404, "Not found"),
        _C.CONFLICT: ProblemType(409, "Conflict"),
        _C.UNAUTHORISED: ProblemType(401, "Unauthorised"),
        _C.FORBIDDEN: ProblemType(403, "Forbidden"),
        _C.RATE_LIMITED: ProblemType(429, "Too many requests"),
        _C.PAYLOAD_TOO_LARGE: ProblemType(413, "Request body too large"),
        # A leg that was filled, declined or cancelled is a state conflict, not bad input.
        _C.LEG_NOT_OPEN: ProblemType(409, "Leg is not open"),
        _C.DEADLINE_PASSED: ProblemType(422, "Leg deadline has passed"),
        _C.INVALID_QUANTITY: ProblemType(422, "Invalid quantity"),
        _C.OVER_FILL: ProblemType(422, "Fill exceeds what is left on the leg"),
        _C.INVALID_PRICE: ProblemType(422, "Invalid price"),
        _C.PRICE_ABOVE_LIMIT: ProblemType(422, "Price above the leg's limit"),
        _C.MINERAL_MISMATCH: ProblemType(422, "Mineral does not match the leg"),
        _C.UNIT_MISMATCH: ProblemType(422, "Unit does not match"),
        _C.FILLED_AT_IN_FUTURE: ProblemType(422, "Fill time is in the future"),
        _C.FILLED_AT_BEFORE_LEG: ProblemType(422, "Fill time is before the leg was routed"),
        _C.INVALID_ORIGIN_COUNTRY: ProblemType(422, "Invalid origin country"),
        _C.BATCH_TOO_LARGE: ProblemType(422, "Too many fills in one batch"),
        _C.INVALID_REASON: ProblemType(422, "Invalid decline reason"),
        # The remainder moved (a fill landed) since the trader looked: re-read and retry.
        _C.DECLINE_QUANTITY_MISMATCH: ProblemType(409, "Decline does not match the remainder"),
        _C.MARKET_NOT_REGISTERED: ProblemType(403, "Not registered for this market"),
        _C.INVALID_VALID_UNTIL: ProblemType(422, "Invalid offer validity"),
        _C.OFFER_NOT_ACTIVE: ProblemType(409, "Offer is not active"),
        # 400 as the IETF Idempotency-Key draft recommends; a key reused for another body
        # is answered 409 (the draft says 422): it conflicts with the request already booked.
        _C.IDEMPOTENCY_KEY_MISSING: ProblemType(400, "Idempotency-Key required"),
        _C.INVALID_IDEMPOTENCY_KEY: ProblemType(400, "Invalid Idempotency-Key"),
        _C.IDEMPOTENCY_KEY_REUSED: ProblemType(409, "Idempotency-Key reused"),
        _C.INVALID_CURSOR: ProblemType(400, "Invalid pagination cursor"),
    }
)


def problem_type(code: RefusalCode) -> ProblemType:
    return PROBLEM_TYPES[code]
