"""Balances as a pure fold over movements, and totals over them."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import TypeVar

from services.inventory.domain.errors import NegativeBalance
from services.inventory.domain.movements import Movement
from services.inventory.domain.values import BalanceKey, Balances
from shared.contracts import Tier

K = TypeVar("K", bound=Hashable)

ZERO = Decimal(0)


def apply(balances: Balances, movement: Movement) -> Balances:
    """Balances after ``movement``; raises :class:`NegativeBalance` and changes nothing."""
    return apply_all(balances, (movement,))


def apply_all(balances: Balances, movements: Iterable[Movement]) -> Balances:
    """Apply several movements as one: all of them, or (on a refusal) none."""
    updated = dict(balances)
    for movement in movements:
        _post(updated, movement)
    return updated


def rebuild(movements: Iterable[Movement]) -> Balances:
    """Balances derived from the ledger alone; must equal the live ones."""
    return apply_all({}, movements)


def _post(balances: dict[BalanceKey, Decimal], movement: Movement) -> None:
    held = balances.get(movement.key, ZERO)
    after = held + movement.quantity
    if after < 0:
        raise NegativeBalance(movement, held)
    # Dropping empty keys makes live and rebuilt balances compare equal however
    # many lots were drained along the way.
    if after == 0:
        balances.pop(movement.key, None)
    else:
        balances[movement.key] = after


def totals(balances: Balances, by: Callable[[BalanceKey], K]) -> dict[K, Decimal]:
    """Sum balances grouped by ``by(key)``."""
    summed: dict[K, Decimal] = {}
    for key, quantity in balances.items():
        group = by(key)
        summed[group] = summed.get(group, ZERO) + quantity
    return summed


# Every grouping keeps the mineral: tonnes of cobalt and of lithium do not add.


def by_mineral(balances: Balances) -> dict[str, Decimal]:
    return totals(balances, lambda key: key.mineral)


def by_warehouse(balances: Balances) -> dict[tuple[str, str], Decimal]:
    """Totals keyed by (mineral, warehouse_id)."""
    return totals(balances, lambda key: (key.mineral, key.warehouse_id))


def by_tier(balances: Balances) -> dict[tuple[str, Tier], Decimal]:
    """Totals keyed by (mineral, tier)."""
    return totals(balances, lambda key: (key.mineral, key.tier))


def by_owner(balances: Balances) -> dict[tuple[str, str], Decimal]:
    """Totals keyed by (mineral, owner)."""
    return totals(balances, lambda key: (key.mineral, key.owner))
