"""The money rules treasury shares with the services that must keep them (no service imports
another's code): reference prices and the price check of a fill (the gateway), spend
against ceilings (sourcing)."""

from __future__ import annotations

from shared.treasury_rules.ceilings import (
    Tally,
    exceeded_reason,
)
from shared.treasury_rules.prices import (
    PriceCheck,
    ReferencePrice,
    deviation,
    in_force,
    per_unit,
    price_check,
    within_tolerance,
)

__all__ = [
    "PriceCheck",
    "ReferencePrice",
    "Tally",
    "deviation",
    "exceeded_reason",
    "in_force",
    "per_unit",
    "price_check",
    "within_tolerance",
]
