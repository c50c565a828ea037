"""The gateway's rules, pure: no I/O, no framework, plain values in and out.

- ``legs``: a leg as the gateway keeps it; routed, cancelled, expired as the trader sees it;
- ``fills`` and ``batches``: a fill, or many in order, on the trader's legs;
- ``declines``: the remainder of a leg given back to sourcing;
- ``closings``: a leg's end (declined, expired by the sweep, cancelled at sourcing's
  request), with what it took and what it leaves undone;
- ``offers``: what a trader can supply, in the markets it is registered for;
- ``traders``: trading houses and their API keys;
- ``pending``: a fill's price against treasury's reference; beyond the tolerance held
  for a program admin's approval;
- ``values``: refusal codes and the checks on the plain values traders send.

Transitions take the state as it stands and return the state it becomes with what
was decided (the fill or decline to tell sourcing), or a refusal saying why not;
exceptions mean a programming error or an input no retry can fix.
"""

from services.trader_gateway.domain.batches import (
    MAX_BATCH_SIZE,
    BatchFill,
    FillBatchResult,
    check_fill_batch,
)
from services.trader_gateway.domain.closings import (
    Closed,
    ClosingNotApplicable,
    ClosingReason,
    LegClosing,
    cancel_leg,
    close_leg,
    expire_leg,
    is_overdue,
)
from services.trader_gateway.domain.declines import (
    MAX_REASON_LENGTH,
    DeclineAccepted,
    Declined,
    DeclineNotApplicable,
    DeclineRefused,
    apply_decline,
    check_decline,
    decline_leg,
)
from services.trader_gateway.domain.fills import (
    MAX_CLOCK_SKEW,
    FillAccepted,
    Filled,
    FillNotApplicable,
    FillProposal,
    FillRefused,
    apply_fill,
    check_fill,
    fill_leg,
)
from services.trader_gateway.domain.legs import (
    OPEN_STATUSES,
    Leg,
    LegKind,
    LegStatus,
    UnusableLeg,
    limit_per_unit,
    route_leg,
)
from services.trader_gateway.domain.offers import (
    MAX_OFFER_VALIDITY,
    NOT_REGISTERED,
    Offer,
    OfferAccepted,
    OfferChanges,
    OfferDraft,
    OfferProposal,
    OfferRefused,
    OfferStatus,
    check_publish,
    check_update,
    check_withdraw,
    draft_offer,
)
from services.trader_gateway.domain.pending import (
    LEG_CLOSED_BEFORE_APPROVAL,
    MAX_DECISION_REASON,
    Held,
    PendingStatus,
    PriceBook,
    approve_pending,
    decision_reason_problem,
    fill_or_hold,
    hold_fill,
    release_pending,
)
from services.trader_gateway.domain.traders import (
    Authenticated,
    AuthRefused,
    KeyRecord,
    KeyRotation,
    ParsedKey,
    Trader,
    TraderRegistration,
    active_keys,
    authenticate,
    issue_key,
    parse_key,
    revoke_key,
    rotate_keys,
    verify_key,
)
from services.trader_gateway.domain.values import Refusal, RefusalCode

__all__ = [
    "LEG_CLOSED_BEFORE_APPROVAL",
    "MAX_BATCH_SIZE",
    "MAX_CLOCK_SKEW",
    "MAX_DECISION_REASON",
    "MAX_OFFER_VALIDITY",
    "MAX_REASON_LENGTH",
    "NOT_REGISTERED",
    "OPEN_STATUSES",
    "AuthRefused",
    "Authenticated",
    "BatchFill",
    "Closed",
    "ClosingNotApplicable",
    "ClosingReason",
    "DeclineAccepted",
    "DeclineNotApplicable",
    "DeclineRefused",
    "Declined",
    "FillAccepted",
    "FillBatchResult",
    "FillNotApplicable",
    "FillProposal",
    "FillRefused",
    "Filled",
    "Held",
    "KeyRecord",
    "KeyRotation",
    "Leg",
    "LegClosing",
    "LegKind",
    "LegStatus",
    "Offer",
    "OfferAccepted",
    "OfferChanges",
    "OfferDraft",
    "OfferProposal",
    "OfferRefused",
    "OfferStatus",
    "ParsedKey",
    "PendingStatus",
    "PriceBook",
    "Refusal",
    "RefusalCode",
    "Trader",
    "TraderRegistration",
    "UnusableLeg",
    "active_keys",
    "apply_decline",
    "apply_fill",
    "approve_pending",
    "authenticate",
    "cancel_leg",
    "check_decline",
    "check_fill",
    "check_fill_batch",
    "check_publish",
    "check_update",
    "check_withdraw",
    "close_leg",
    "decision_reason_problem",
    "decline_leg",
    "draft_offer",
    "expire_leg",
    "fill_leg",
    "fill_or_hold",
    "hold_fill",
    "is_overdue",
    "issue_key",
    "limit_per_unit",
    "parse_key",
    "release_pending",
    "revoke_key",
    "rotate_keys",
    "route_leg",
    "verify_key",
]
