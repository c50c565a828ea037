"""The cross-service reconciliation: each service's facts per leg and order, compared.

Each service answers its own facts on a read endpoint (``facts``: the shapes and the
paths), a page at a time; ``collect`` pages through all of them; ``reconcile`` (pure)
compares them and lists every difference. ``vault reconcile`` (and ``vault check
--services``) print the report; the ops console calls ``collect`` then ``reconcile``.
"""

from shared.reconciliation.collect import Services, collect
from shared.reconciliation.compare import Difference, Report, reconcile
from shared.reconciliation.facts import (
    GATEWAY_LEGS,
    INVENTORY_RECEIPTS,
    SOURCING_LEGS,
    SOURCING_ORDERS,
    Facts,
    FillFact,
    GatewayLeg,
    Receipt,
    SourcingLeg,
    SourcingOrder,
)

__all__ = [
    "GATEWAY_LEGS",
    "INVENTORY_RECEIPTS",
    "SOURCING_LEGS",
    "SOURCING_ORDERS",
    "Difference",
    "Facts",
    "FillFact",
    "GatewayLeg",
    "Receipt",
    "Report",
    "Services",
    "SourcingLeg",
    "SourcingOrder",
    "collect",
    "reconcile",
]
