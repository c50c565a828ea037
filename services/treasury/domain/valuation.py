"""The stockpile valued at cost (each lot at its fill's price) and at the reference price
in force, per mineral and warehouse."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class LotHolding:
    lot_id: str
    mineral: str
    warehouse_id: str
    quantity: Decimal  # what the lot holds in this warehouse now
    unit: str
    unit_cost: Decimal | None  # its fill's price; None if the fill was never learnt

    @property
    def at_cost(self) -> Decimal:
        return self.quantity * (self.unit_cost or Decimal(0))


@dataclass(frozen=True, slots=True)
class Valuation:
    mineral: str
    warehouse_id: str
    quantity: Decimal
    unit: str
    lots: int
    at_cost: Decimal
    reference_price: Decimal | None
    at_reference: Decimal | None
    uncosted_quantity: Decimal  # held in lots whose cost is unknown


def value(
    lots: Iterable[LotHolding], reference: Callable[[str], Decimal | None]
) -> list[Valuation]:
    """Per (mineral, warehouse), lots holding nothing left out; ``reference(mineral)`` is
    the price in force (None: not valued at reference)."""
    groups: dict[tuple[str, str], list[LotHolding]] = {}
    for lot in lots:
        if lot.quantity > 0:
            groups.setdefault((lot.mineral, lot.warehouse_id), []).append(lot)
    rows = []
    for (mineral, warehouse_id), members in sorted(groups.items()):
        quantity = sum((lot.quantity for lot in members), Decimal(0))
        price = reference(mineral)
        rows.append(
            Valuation(
                mineral=mineral,
                warehouse_id=warehouse_id,
                quantity=quantity,
                unit=members[0].unit,
                lots=len(members),
                at_cost=sum((lot.at_cost for lot in members), Decimal(0)),
                reference_price=price,
                at_reference=None if price is None else quantity * price,
                uncosted_quantity=sum(
                    (lot.quantity for lot in members if lot.unit_cost is None), Decimal(0)
                ),
            )
        )
    return rows
