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
# access -> every service with an HTTP API: credentials issued and revoked (hashes only)
PROGRAM_CREDENTIALS: Final = "vault.program.credentials"
# trader gateway -> sourcing: the gateway's facts about legs (fills, closings), one ordered
# stream keyed by order id, so a leg's events arrive in the order the gateway decided them
TRADER_LEGS: Final = "vault.trader.legs"
TRADER_OFFERS: Final = "vault.trader.offers"
# inventory -> anyone
INVENTORY_HOLDINGS: Final = "vault.inventory.holdings"
INVENTORY_RELEASES: Final = "vault.inventory.releases"
# inventory -> demand: what a release drew, to be bought back (replenishment.requested).
# Only inventory's principal may write it (the ACLs follow the contract), so a record here
# is inventory's; the manufacturers' intake never carries a replenishment.
INVENTORY_REPLENISHMENTS: Final = "vault.inventory.replenishments"
# --- treasury (issue 17) ---
# An external price system -> treasury: dated reference prices with their source
MARKET_REFERENCE_PRICES: Final = "vault.market.reference_prices"
# treasury -> anyone checking prices (the gateway): reference prices and tolerances held
TREASURY_PRICES: Final = "vault.treasury.prices"
# treasury -> anyone respecting ceilings (sourcing): annual ceilings, funding sources
TREASURY_CEILINGS: Final = "vault.treasury.ceilings"
# --- end treasury ---

# participation -> inventory, sourcing and anyone: the program's book of participation.
# Agreements (versioned draw terms, set prices) keyed by manufacturer; disruptions keyed by
# mineral; obligations to replenish keyed by release. Only participation writes them.
PARTICIPATION_AGREEMENTS: Final = "vault.participation.agreements"
PARTICIPATION_DISRUPTIONS: Final = "vault.participation.disruptions"
PARTICIPATION_OBLIGATIONS: Final = "vault.participation.obligations"
# participation -> demand: what commitments not yet covered ask to be bought, paced per
# mineral (commitment.demanded). Only participation's principal may write it.
PARTICIPATION_DEMAND: Final = "vault.participation.demand"

ALL: Final = (
    DEMAND_INTAKE,
    DEMAND_OUTCOMES,
    PROCUREMENT_REQUESTED,
    SOURCING_LEGS,
    SOURCING_ORDERS,
    PROGRAM_PHASES,
    PROGRAM_TRADERS,
    PROGRAM_CREDENTIALS,
    TRADER_LEGS,
    TRADER_OFFERS,
    INVENTORY_HOLDINGS,
    INVENTORY_RELEASES,
    INVENTORY_REPLENISHMENTS,
    PARTICIPATION_AGREEMENTS,
    PARTICIPATION_DISRUPTIONS,
    PARTICIPATION_OBLIGATIONS,
    PARTICIPATION_DEMAND,
    MARKET_REFERENCE_PRICES,
    TREASURY_PRICES,
    TREASURY_CEILINGS,
)

DLQ_SUFFIX: Final = ".dlq"


# One intake per manufacturer's system in the secure profile (vault.demand.from.<M>, named
# apart from vault.demand.intake so that no manufacturer's intake is another topic's dead
# letters): the topic says who wrote it,
# since only that manufacturer's principal (intake-<M>) may write it. demand takes a
# demand there only in that manufacturer's name. The shared DEMAND_INTAKE stays for
# plaintext local development.
INTAKE_OF_PREFIX: Final = "vault.demand.from."


def intake_of(manufacturer_id: str) -> str:
    return INTAKE_OF_PREFIX + manufacturer_id


def intake_sender(topic: str) -> str | None:
    """The manufacturer whose own intake ``topic`` is (None for any other topic)."""
    if topic.startswith(INTAKE_OF_PREFIX) and not topic.endswith(DLQ_SUFFIX):
        return topic.removeprefix(INTAKE_OF_PREFIX) or None
    return None


def contract_topic(topic: str) -> str:
    """The topic whose contracts ``topic`` carries: a manufacturer's intake is the intake's."""
    return DEMAND_INTAKE if intake_sender(topic) is not None else topic


def dead_letter_topic(topic: str) -> str:
    """Where poison messages of ``topic`` go, with their original bytes and the reason."""
    return topic + DLQ_SUFFIX
