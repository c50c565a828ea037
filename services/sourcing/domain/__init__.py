"""Pure rules of sourcing: the tier waterfall, routing, cascades, and an order's life.

No I/O and no framework: every function takes plain frozen values and returns
new ones, so handlers load state, ask the domain, and persist what it returns.

The allocation rules, for one request against one book:

    allocation = allocate(request, context)
    context = context.after(allocation)          # supply and exposures it used
    decision = allocation.decision                # legs, mandates, the why of each
    # later, a leg fails or is partly filled:
    allocation = cascade(request, leg, remainder, context,
                         first_sequence=decision.next_sequence,
                         exclusions=decision.exclusions)

An order's transitions, each returning the order's ``Change`` (new state, legs
opened and closed, the decision record, the events) and the ``Situation`` the next
decision in the same batch is taken against:

    placed = place_open(order, situation, Trigger.REQUESTED)
    change = learn_fill(order, leg, fill, known=None, policy=policy, now=now)
    placed = learn_closing(order, leg, closing, situation=placed.situation, now=now)

A leg's fills and its closing are the gateway's to decide; sourcing learns them
(``learning``), never refuses them, and cascades only what a closing left undone.
"""

from services.sourcing.domain.allocation import Allocation, SourcingContext, allocate
from services.sourcing.domain.cascade import cascade
from services.sourcing.domain.changes import (
    Anomaly,
    CancelRequested,
    Change,
    Changes,
    DecisionEntry,
    FillAccepted,
    Happening,
    LegOpened,
    OrderChanged,
)
from services.sourcing.domain.eligibility import NO_EXCLUSIONS, Exclusions
from services.sourcing.domain.errors import (
    ExposureUnderflow,
    InvalidValue,
    Refused,
    SourcingError,
    SupplyExceeded,
)
from services.sourcing.domain.explanation import Trigger, decision_record, summary
from services.sourcing.domain.learning import (
    KnownFill,
    cascades,
    closed_reason,
    learn_closing,
    learn_fill,
    same_fill,
)
from services.sourcing.domain.legs import Leg, MandateLeg, OfferLeg, leg_id
from services.sourcing.domain.lifecycle import (
    OrderStatus,
    delivery_cutoff,
    is_past_delivery,
    leg_deadline,
    order_status,
)
from services.sourcing.domain.orders import (
    LegKind,
    LegState,
    LegStatus,
    OrderKind,
    OrderState,
    opened_leg,
)
from services.sourcing.domain.placement import (
    Placed,
    ask_back,
    cascade_leg,
    expire,
    expire_overdue,
    place_open,
)
from services.sourcing.domain.policy import (
    TierPolicy,
    excluded_origins,
    is_excluded,
    tier_of,
    tier_preference,
)
from services.sourcing.domain.procurement import ProcurementRequest
from services.sourcing.domain.record import Consideration, Decision, OpenRemainder, Outcome
from services.sourcing.domain.refusals import (
    offer_refusal,
    phase_refusal,
    request_refusal,
    trader_refusal,
)
from services.sourcing.domain.situation import DEFAULT_PHASE, Situation
from services.sourcing.domain.supply import Offer, SupplyBook
from services.sourcing.domain.traders import Exposure, Rosters, Trader, TraderRoster
from services.sourcing.domain.values import TIER_PREFERENCE, plain_number

__all__ = [
    "DEFAULT_PHASE",
    "NO_EXCLUSIONS",
    "TIER_PREFERENCE",
    "Allocation",
    "Anomaly",
    "CancelRequested",
    "Change",
    "Changes",
    "Consideration",
    "Decision",
    "DecisionEntry",
    "Exclusions",
    "Exposure",
    "ExposureUnderflow",
    "FillAccepted",
    "Happening",
    "InvalidValue",
    "KnownFill",
    "Leg",
    "LegKind",
    "LegOpened",
    "LegState",
    "LegStatus",
    "MandateLeg",
    "Offer",
    "OfferLeg",
    "OpenRemainder",
    "OrderChanged",
    "OrderKind",
    "OrderState",
    "OrderStatus",
    "Outcome",
    "Placed",
    "ProcurementRequest",
    "Refused",
    "Rosters",
    "Situation",
    "SourcingContext",
    "SourcingError",
    "SupplyBook",
    "SupplyExceeded",
    "TierPolicy",
    "Trader",
    "TraderRoster",
    "Trigger",
    "allocate",
    "ask_back",
    "cascade",
    "cascade_leg",
    "cascades",
    "closed_reason",
    "decision_record",
    "delivery_cutoff",
    "excluded_origins",
    "expire",
    "expire_overdue",
    "is_excluded",
    "is_past_delivery",
    "learn_closing",
    "learn_fill",
    "leg_deadline",
    "leg_id",
    "offer_refusal",
    "opened_leg",
    "order_status",
    "phase_refusal",
    "place_open",
    "plain_number",
    "request_refusal",
    "same_fill",
    "summary",
    "tier_of",
    "tier_preference",
    "trader_refusal",
]
