"""The refusal vocabulary the gateway answers with, shared by every rule module.

Codes are part of the public API: clients branch on them, so they are stable
lower-case strings and are never renamed, only added.
"""

from dataclasses import dataclass
from enum import StrEnum


class RefusalCode(StrEnum):
    # Generic codes, also produced by the HTTP layer itself.
    MALFORMED_REQUEST = "malformed_request"
    VALIDATION = "validation"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    UNAUTHORISED = "unauthorised"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    # Legs: fills and declines.
    LEG_NOT_OPEN = "leg_not_open"
    DEADLINE_PASSED = "deadline_passed"
    INVALID_QUANTITY = "invalid_quantity"
    OVER_FILL = "over_fill"
    INVALID_PRICE = "invalid_price"
    PRICE_ABOVE_LIMIT = "price_above_limit"
    MINERAL_MISMATCH = "mineral_mismatch"
    UNIT_MISMATCH = "unit_mismatch"
    FILLED_AT_IN_FUTURE = "filled_at_in_future"
    FILLED_AT_BEFORE_LEG = "filled_at_before_leg"
    INVALID_ORIGIN_COUNTRY = "invalid_origin_country"
    BATCH_TOO_LARGE = "batch_too_large"
    INVALID_REASON = "invalid_reason"
    DECLINE_QUANTITY_MISMATCH = "decline_quantity_mismatch"
    # Offers.
    MARKET_NOT_REGISTERED = "market_not_registered"
    INVALID_VALID_UNTIL = "invalid_valid_until"
    OFFER_NOT_ACTIVE = "offer_not_active"
    # Request plumbing.
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_CURSOR = "invalid_cursor"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused, in words a trader's developer can act on.

    `field` names the offending input where there is one; `extensions` become
    extra members of the RFC 9457 problem document (e.g. how much is left).
    Messages never echo secrets and never reveal other traders' data.
    """

    code: RefusalCode
    message: str
    field: str | None = None
    extensions: tuple[tuple[str, str], ...] = ()
