"""Demand's rules, pure: reading what a sender wrote, validating it, answering a request id.

- ``reading``: untrusted JSON values into a ``DemandInput``, naming what cannot be read;
- ``validation``: the catalogue's rules, every reason at once;
- ``answers``: what a key's stored answer becomes when a demand arrives under it;
- ``values``: the codes, reasons and identities the others are written in.
"""

from services.demand.domain.answers import (
    Accepted,
    Answer,
    Channel,
    Conflict,
    DemandRecord,
    Outcome,
    Rejected,
    Status,
    answer,
)
from services.demand.domain.reading import Submission, read_submission, sender_may_submit
from services.demand.domain.validation import validate_demand
from services.demand.domain.values import (
    ID_MAX_LENGTH,
    MAX_LEAD_TIME_YEARS,
    MAX_UNIT_PRICE_USD,
    PRICE_DECIMAL_PLACES,
    QUANTITY_DECIMAL_PLACES,
    AcceptedDemand,
    DemandField,
    DemandInput,
    DemandKey,
    Reason,
    RejectedDemand,
    RejectionCode,
    ResendKind,
    classify_resend,
    demand_fingerprint,
    is_well_formed_id,
    normalise_mineral_id,
    order_id_for,
    plain_decimal,
    replenishment_order_id,
)

__all__ = [
    "ID_MAX_LENGTH",
    "MAX_LEAD_TIME_YEARS",
    "MAX_UNIT_PRICE_USD",
    "PRICE_DECIMAL_PLACES",
    "QUANTITY_DECIMAL_PLACES",
    "Accepted",
    "AcceptedDemand",
    "Answer",
    "Channel",
    "Conflict",
    "DemandField",
    "DemandInput",
    "DemandKey",
    "DemandRecord",
    "Outcome",
    "Reason",
    "Rejected",
    "RejectedDemand",
    "RejectionCode",
    "ResendKind",
    "Status",
    "Submission",
    "answer",
    "classify_resend",
    "demand_fingerprint",
    "is_well_formed_id",
    "normalise_mineral_id",
    "order_id_for",
    "plain_decimal",
    "read_submission",
    "replenishment_order_id",
    "sender_may_submit",
    "validate_demand",
]
