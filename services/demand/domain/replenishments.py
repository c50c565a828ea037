"""A release's replenishment becomes a procurement order: once per release, in its own id space.

Inventory raises it (``replenishment.requested`` on the topic only inventory writes);
it is the program's own demand, so it is not judged like a manufacturer's: only the
catalogue must know its mineral and unit (anything else is inventory's bug, for ops).
Its order id is derived from the release (``replenishment_order_id``), never from a
manufacturer's request id, and a release is bought back once however often it comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.demand.domain.values import replenishment_order_id
from shared.catalogue import Catalogue


@dataclass(frozen=True, slots=True, kw_only=True)
class Replenishment:
    """What inventory asks back for one release."""

    manufacturer_id: str
    release_id: str
    request_id: str
    mineral: str
    quantity: Decimal
    unit: str
    deliver_by: date
    limit_price: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplenishmentOrder:
    """The procurement order a replenishment becomes."""

    order_id: str
    replenishment: Replenishment
    market: str


def replenishment_order(
    replenishment: Replenishment, catalogue: Catalogue
) -> ReplenishmentOrder | str:
    """The order, or why it cannot be one (a mineral or unit the catalogue does not know)."""
    mineral = catalogue.get(replenishment.mineral)
    if mineral is None:
        return f"mineral {replenishment.mineral!r} is not in the catalogue"
    if replenishment.unit != mineral.unit.value:
        return f"{mineral.id} is ordered in {mineral.unit}, not {replenishment.unit}"
    if replenishment.quantity <= 0:
        return f"quantity {replenishment.quantity} is not above zero"
    return ReplenishmentOrder(
        order_id=replenishment_order_id(replenishment.manufacturer_id, replenishment.release_id),
        replenishment=replenishment,
        market=mineral.market,
    )
