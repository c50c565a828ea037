"""The procurement request sourcing is asked to place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.sourcing.domain.values import require_decimal, require_text
from shared.contracts import Unit


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcurementRequest:
    """Buy `quantity` of `mineral` through `market`, delivered by `deliver_by`.

    `limit_price` (USD per unit) caps every leg when set. `unit` is only used to
    word reasons ("no offer covers 40 t"); quantities are compared as given.
    """

    request_id: str
    mineral: str
    market: str
    quantity: Decimal
    deliver_by: date
    limit_price: Decimal | None = None
    unit: Unit = Unit.TONNE

    def __post_init__(self) -> None:
        require_text(self.request_id, "request id")
        require_text(self.mineral, "mineral")
        require_text(self.market, "market")
        require_decimal(self.quantity, "requested quantity")
        if self.limit_price is not None:
            require_decimal(self.limit_price, "limit price")
