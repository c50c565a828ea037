"""Every Kafka topic Vault uses, named in one place: domain, then fact."""

from __future__ import annotations

from typing import Final

# Manufacturers' systems (untrusted) -> demand
DEMAND_INTAKE: Final = "vault.demand.intake"
# demand -> manufacturers' systems: accepted, rejected (with reasons), conflict
DEMAND_OUTCOMES: Final = "vault.demand.outcomes"
# demand -> sourcing
PROCUREMENT_REQUESTED: Final = "vault.procurement.requested"
# sourcing -> trader gateway (legs routed, cancelled) and anyone following orders
SOURCING_LEGS: Final = "vault.sourcing.legs"
SOURCING_ORDERS: Final = "vault.sourcing.orders"
# ops -> sourcing and gateway: phases, traders, policy
PROGRAM_PHASES: Final = "vault.program.phases"
PROGRAM_TRADERS: Final = "vault.program.traders"
# trader gateway -> sourcing and inventory
TRADER_FILLS: Final = "vault.trader.fills"
TRADER_DECLINES: Final = "vault.trader.declines"
TRADER_OFFERS: Final = "vault.trader.offers"
# inventory -> anyone
INVENTORY_HOLDINGS: Final = "vault.inventory.holdings"
INVENTORY_RELEASES: Final = "vault.inventory.releases"

ALL: Final = (
    DEMAND_INTAKE,
    DEMAND_OUTCOMES,
    PROCUREMENT_REQUESTED,
    SOURCING_LEGS,
    SOURCING_ORDERS,
    PROGRAM_PHASES,
    PROGRAM_TRADERS,
    TRADER_FILLS,
    TRADER_DECLINES,
    TRADER_OFFERS,
    INVENTORY_HOLDINGS,
    INVENTORY_RELEASES,
)

DLQ_SUFFIX: Final = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """Where poison messages of ``topic`` go, with their original bytes and the reason."""
    return topic + DLQ_SUFFIX
