"""Reference prices: the rule lives in ``shared.treasury_rules`` (the gateway checks fills
by it too); treasury imports it from there, one rule in one place."""

from shared.treasury_rules import ReferencePrice, deviation, in_force, within_tolerance

__all__ = ["ReferencePrice", "deviation", "in_force", "within_tolerance"]
