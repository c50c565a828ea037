"""An external system's reference prices (``vault.market.reference_prices``): held as the
reference for their mineral, form and day, with the feed's source."""

from __future__ import annotations

from collections.abc import Sequence

from services.treasury.handlers.set_policy import set_reference_price
from shared.catalogue import Catalogue
from shared.codec import PoisonMessage
from shared.contracts import ReferencePriceReported, ReferencePriceSet
from shared.db import Connection
from shared.envelope import Envelope


async def reported(
    conn: Connection, events: Sequence[Envelope[ReferencePriceReported]], catalogue: Catalogue
) -> None:
    for event in events:
        price = event.payload
        mineral = catalogue.get(price.mineral)
        if mineral is None or mineral.unit.value != price.price.per:
            raise PoisonMessage(
                "reference_price_refused",
                f"{price.mineral!r} per {price.price.per}: not a catalogue mineral in its unit",
                event_id=event.event_id,
            )
        await set_reference_price(
            conn,
            ReferencePriceSet(
                mineral=price.mineral,
                form=price.form,
                effective_on=price.effective_on,
                price=price.price,
                source=price.source,
                set_by=f"feed:{event.producer}",
                set_at=price.reported_at,
            ),
        )
