"""Checking live balances against the ledger they should be derived from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.inventory.domain.movements import Movement, MovementKind
from services.inventory.domain.values import BalanceKey, Balances

ZERO = Decimal(0)


class DiscrepancyKind(StrEnum):
    BALANCE_MISMATCH = "balance_mismatch"
    NEGATIVE_BALANCE = "negative_balance"
    DUPLICATE_MOVEMENT = "duplicate_movement"
    DUPLICATE_RECEIPT = "duplicate_receipt"
    UNBALANCED_TRANSFER = "unbalanced_transfer"


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    kind: DiscrepancyKind
    detail: str
    key: BalanceKey | None = None
    live: Decimal | None = None
    rebuilt: Decimal | None = None


def check(live_balances: Balances, movements: Iterable[Movement]) -> list[Discrepancy]:
    """Everything wrong between live balances and the ledger; empty when they agree."""
    ledger = list(movements)
    negatives: list[Discrepancy] = []
    rebuilt = _replay(ledger, negatives)
    return [
        *_duplicates(ledger),
        *_unbalanced_transfers(ledger),
        *negatives,
        *_mismatches(live_balances, rebuilt),
    ]


def _replay(ledger: list[Movement], found: list[Discrepancy]) -> dict[BalanceKey, Decimal]:
    # Unlike rebuild(), keep going past a negative balance so that one bad line
    # does not hide every other difference behind it.
    sums: dict[BalanceKey, Decimal] = {}
    for movement in ledger:
        after = sums.get(movement.key, ZERO) + movement.quantity
        if after < 0:
            found.append(
                Discrepancy(
                    kind=DiscrepancyKind.NEGATIVE_BALANCE,
                    detail=f"movement {movement.movement_id} takes the balance to {after}",
                    key=movement.key,
                )
            )
        sums[movement.key] = after
    return sums


def _mismatches(live: Balances, rebuilt: dict[BalanceKey, Decimal]) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    for key in [*live, *(key for key in rebuilt if key not in live)]:
        live_quantity = live.get(key, ZERO)
        rebuilt_quantity = rebuilt.get(key, ZERO)
        if live_quantity != rebuilt_quantity:
            found.append(
                Discrepancy(
                    kind=DiscrepancyKind.BALANCE_MISMATCH,
                    detail=f"live {live_quantity}, ledger {rebuilt_quantity}",
                    key=key,
                    live=live_quantity,
                    rebuilt=rebuilt_quantity,
                )
            )
    return found


def _duplicates(ledger: list[Movement]) -> list[Discrepancy]:
    movement_ids = Counter(movement.movement_id for movement in ledger)
    fill_ids = Counter(
        movement.fill_id for movement in ledger if movement.kind is MovementKind.RECEIPT
    )
    return [
        *(
            Discrepancy(
                kind=DiscrepancyKind.DUPLICATE_MOVEMENT,
                detail=f"movement {movement_id} appears {count} times",
            )
            for movement_id, count in movement_ids.items()
            if count > 1
        ),
        *(
            Discrepancy(
                kind=DiscrepancyKind.DUPLICATE_RECEIPT,
                detail=f"fill {fill_id} is booked {count} times",
            )
            for fill_id, count in fill_ids.items()
            if count > 1
        ),
    ]


def _unbalanced_transfers(ledger: list[Movement]) -> list[Discrepancy]:
    legs: dict[str, list[Movement]] = {}
    for movement in ledger:
        if movement.kind is MovementKind.TRANSFER and movement.transfer_id is not None:
            legs.setdefault(movement.transfer_id, []).append(movement)
    found: list[Discrepancy] = []
    for transfer_id, moves in legs.items():
        net = sum((move.quantity for move in moves), ZERO)
        # Custody moves; title, origin and material do not.
        unchanged = {(m.key.mineral, m.key.owner, m.key.origin_country, m.key.tier) for m in moves}
        if net != 0 or len(unchanged) > 1:
            found.append(
                Discrepancy(
                    kind=DiscrepancyKind.UNBALANCED_TRANSFER,
                    detail=(
                        f"transfer {transfer_id} nets to {net} over {len(moves)} movements"
                        + ("" if len(unchanged) == 1 else " and changes owner or material")
                    ),
                )
            )
    return found
