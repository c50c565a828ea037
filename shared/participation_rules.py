"""The draw rule of participation: how much a manufacturer may draw, under the rights in force.

One pure rule, used by both sides of a draw: inventory, which performs releases and must
refuse a draw beyond the rights in force, and participation, which keeps the book of
agreements and disruptions and shows each manufacturer's rights. It lives in ``shared``
(beside the contracts it reads its terms from) so that neither service imports the
other's code, and both judge a draw by the same lines.

The rights: a manufacturer may always draw up to its own holdings of a mineral. While a
disruption of that mineral is declared, it may draw beyond them up to
``disruption_pool_share`` of what the other participants hold of it (its agreement says
the share; 0 means its own holdings only). Without an agreement there is no pool access.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawRights:
    """What a manufacturer's agreement says about drawing a mineral, and whether it is disrupted."""

    pool_share: Decimal = ZERO  # fraction of the others' holdings, in a disruption
    disrupted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawAllowance:
    """How much may be drawn: from its own holdings, and beyond them from the pool."""

    own: Decimal
    pool: Decimal

    @property
    def total(self) -> Decimal:
        return self.own + self.pool


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawJudged:
    """A draw within the rights: how much comes from its own lots and how much from the pool."""

    from_own: Decimal
    from_pool: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawRefused:
    """A draw beyond the rights in force, and why, in words."""

    reason: str
    allowance: DrawAllowance
    requested: Decimal


def allowance(rights: DrawRights, own_held: Decimal, others_held: Decimal) -> DrawAllowance:
    """The most that may be drawn now: its own holdings, plus its pool share in a disruption."""
    if not Decimal(0) <= rights.pool_share <= 1:
        raise ValueError(f"a pool share is a fraction from 0 to 1, got {rights.pool_share}")
    own = max(own_held, ZERO)
    pool = max(others_held, ZERO) * rights.pool_share if rights.disrupted else ZERO
    return DrawAllowance(own=own, pool=pool)


def judge_draw(
    rights: DrawRights, own_held: Decimal, others_held: Decimal, requested: Decimal
) -> DrawJudged | DrawRefused:
    """Own holdings first; beyond them the pool, only in a disruption and within the share."""
    allowed = allowance(rights, own_held, others_held)
    if requested <= 0:
        return DrawRefused(
            reason=f"a draw must be above zero, requested {requested}",
            allowance=allowed,
            requested=requested,
        )
    if requested <= allowed.own:
        return DrawJudged(from_own=requested, from_pool=ZERO)
    if requested > allowed.total:
        if not rights.disrupted:
            why = (
                f"no disruption is declared: a draw is limited to its own holdings "
                f"({allowed.own}), requested {requested}"
            )
        elif rights.pool_share == 0:
            why = (
                f"its agreement gives no access beyond its own holdings ({allowed.own}) "
                f"in a disruption, requested {requested}"
            )
        else:
            why = (
                f"in the disruption it may draw its own holdings ({allowed.own}) and "
                f"{rights.pool_share} of the others' ({allowed.pool}), requested {requested}"
            )
        return DrawRefused(reason=why, allowance=allowed, requested=requested)
    return DrawJudged(from_own=allowed.own, from_pool=requested - allowed.own)
