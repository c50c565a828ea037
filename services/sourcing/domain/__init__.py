"""Pure rules of sourcing: eligibility, the tier waterfall, legs, routing and cascade.

No I/O and no framework: every function takes plain frozen values and returns
new ones, so handlers load state, ask the domain, and persist what it returns.

    allocation = allocate(request, context)
    context = context.after(allocation)          # supply and exposures it used
    decision = allocation.decision                # legs, mandates, the why of each
    # later, a leg fails or is partly filled:
    allocation = cascade(request, leg, remainder, context,
                         first_sequence=decision.next_sequence,
                         exclusions=decision.exclusions)
"""

from services.sourcing.domain.allocation import Allocation, SourcingContext, allocate
from services.sourcing.domain.cascade import cascade
from services.sourcing.domain.eligibility import NO_EXCLUSIONS, Exclusions
from services.sourcing.domain.errors import (
    ExposureUnderflow,
    InvalidValue,
    SourcingError,
    SupplyExceeded,
)
from services.sourcing.domain.legs import Leg, MandateLeg, OfferLeg, leg_id
from services.sourcing.domain.lifecycle import (
    OrderStatus,
    delivery_cutoff,
    is_past_delivery,
    leg_deadline,
    order_status,
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
from services.sourcing.domain.supply import Offer, SupplyBook
from services.sourcing.domain.traders import Exposure, Trader, TraderRoster
from services.sourcing.domain.values import TIER_PREFERENCE, Phase, Tier, Unit

__all__ = [
    "NO_EXCLUSIONS",
    "TIER_PREFERENCE",
    "Allocation",
    "Consideration",
    "Decision",
    "Exclusions",
    "Exposure",
    "ExposureUnderflow",
    "InvalidValue",
    "Leg",
    "MandateLeg",
    "Offer",
    "OfferLeg",
    "OpenRemainder",
    "OrderStatus",
    "Outcome",
    "Phase",
    "ProcurementRequest",
    "SourcingContext",
    "SourcingError",
    "SupplyBook",
    "SupplyExceeded",
    "Tier",
    "TierPolicy",
    "Trader",
    "TraderRoster",
    "Unit",
    "allocate",
    "cascade",
    "delivery_cutoff",
    "excluded_origins",
    "is_excluded",
    "is_past_delivery",
    "leg_deadline",
    "leg_id",
    "order_status",
    "tier_of",
    "tier_preference",
]
