"""Participation's commitment demand becomes a procurement order: once per request id.

It travels on participation's own topic, so it is the program's demand, not a
manufacturer's: only the catalogue must know its mineral and unit. Its order id is
derived from participation's request id in a namespace of its own, so no manufacturer's
request id nor any release can take it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.catalogue import Catalogue
from shared.contracts.participation import CommitmentDemanded

# Fixed for ever: order ids derived from it are stored and published.
_COMMITMENT_NAMESPACE = uuid.UUID("b7e4d2a9-1c3f-4e8a-9d6b-2a7c5e0f1b83")


def commitment_order_id(request_id: str) -> str:
    return str(uuid.uuid5(_COMMITMENT_NAMESPACE, request_id))


@dataclass(frozen=True, slots=True)
class CommitmentOrder:
    order_id: str
    demanded: CommitmentDemanded
    market: str


def commitment_order(demanded: CommitmentDemanded, catalogue: Catalogue) -> CommitmentOrder | str:
    """The order, or why it cannot be one (participation's bug, for ops)."""
    mineral = catalogue.get(demanded.mineral)
    if mineral is None:
        return f"mineral {demanded.mineral!r} is not in the catalogue"
    if demanded.quantity.unit != mineral.unit.value:
        return f"{mineral.id} is ordered in {mineral.unit}, not {demanded.quantity.unit}"
    return CommitmentOrder(commitment_order_id(demanded.request_id), demanded, mineral.market)
