"""The limit price of a release's replenishment: what the drawn lots cost, and some headroom.

Interim rule, until participation agreements set the price a participant replenishes
at (another issue): the dearest unit price among the lots a release drew, times
``1 + headroom`` (``VAULT_REPLENISHMENT_PRICE_HEADROOM``, 0.25 by default), so that the
replenishment can be mandated to a specialist (a mandate needs a limit to bound its
exposure) without paying more than a quarter above what the material cost. Lots
booked before prices were kept have none; when no drawn lot has one there is no limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from services.inventory.domain.lots import Lot
from services.inventory.domain.values import plain_number

DEFAULT_PRICE_HEADROOM = Decimal("0.25")
_STEP = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class ReplenishmentLimit:
    """The limit price (USD per unit), or None; and how it was set, in words."""

    price: Decimal | None
    basis: str


def replenishment_limit(drawn: Iterable[Lot], headroom: Decimal) -> ReplenishmentLimit:
    """The dearest priced lot drawn, plus ``headroom``; no limit when none is priced."""
    if not headroom.is_finite() or headroom < 0:
        raise ValueError(f"price headroom must be zero or more, got {headroom}")
    lots = list(drawn)
    priced = [lot for lot in lots if lot.unit_price is not None]
    if not priced:
        return ReplenishmentLimit(
            None, "no lot drawn recorded its price: no limit (offers only, no mandate)"
        )
    dearest = max(priced, key=lambda lot: (lot.unit_price, lot.lot_id))
    assert dearest.unit_price is not None
    price = (dearest.unit_price * (1 + headroom)).quantize(_STEP, rounding=ROUND_DOWN)
    unpriced = len(lots) - len(priced)
    basis = (
        f"dearest lot drawn ({dearest.lot_id}, {plain_number(dearest.unit_price)} USD/"
        f"{dearest.unit}) plus {plain_number(headroom * 100)}% headroom"
        + (f"; {unpriced} lot(s) drawn had no recorded price" if unpriced else "")
    )
    return ReplenishmentLimit(Decimal(format(price.normalize(), "f")), basis)
