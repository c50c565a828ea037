"""Who may see and do what: the pure rules every route applies. No I/O, no framework.

- A **manufacturer** sees and acts on its own things only: its demands, orders,
  holdings, releases. Another's is *not found* (404, never 403: a refusal would say
  the id exists); acting in another's name is *forbidden* (403).
- **ops_read** reads everything and changes nothing; **program_admin** reads
  everything and does the program's changes (phases, policy, traders, warehouses,
  adjustments, transfers, dead-letter replay, principals). A role that lacks an
  action is 403; no valid key at all is 401.
- **service** keys are other Vault processes' (the console), each with its own
  role: a service key carries ``ops_read`` or ``program_admin`` as its role.
- An order's **explanation** (competing offers, prices, traders) is for ops; a
  manufacturer sees its own order's story without other parties' names or prices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    MANUFACTURER = "manufacturer"  # its own demands, orders, holdings, releases
    OPS_READ = "ops_read"  # reads everything, changes nothing
    PROGRAM_ADMIN = "program_admin"  # phases, policy, traders, warehouses, replays, keys
    SERVICE = "service"  # another Vault process (e.g. the console), with its own role
    # issue 17: a warehouse confirming arrivals (weighed quantity, grade); subject = warehouse id
    CUSTODIAN = "custodian"


OPS = (Role.OPS_READ, Role.PROGRAM_ADMIN)
# The roles access issues keys in (a service client is given an ops role, see above).
ISSUABLE = (Role.MANUFACTURER, Role.OPS_READ, Role.PROGRAM_ADMIN, Role.CUSTODIAN)


class PrincipalKind(StrEnum):
    MANUFACTURER = "manufacturer"
    OPS = "ops"
    SERVICE = "service"
    CUSTODIAN = "custodian"  # a warehouse's custodian: its id is the warehouse id


@dataclass(frozen=True, slots=True)
class Caller:
    principal: str
    role: Role
    subject: str | None  # the manufacturer a manufacturer's key speaks for
    key_id: str

    @property
    def is_ops(self) -> bool:
        return self.role in OPS

    @property
    def is_admin(self) -> bool:
        return self.role is Role.PROGRAM_ADMIN

    def speaks_for(self, manufacturer_id: str) -> bool:
        """Whether this caller may see or act on ``manufacturer_id``'s own things."""
        return self.is_ops or (self.role is Role.MANUFACTURER and self.subject == manufacturer_id)


def may_read(caller: Caller, owner: str | None) -> bool:
    """Whether ``caller`` may read a thing owned by ``owner`` (None: nobody's, ops only)."""
    if owner is None:
        return caller.is_ops
    return caller.speaks_for(owner)


def may_act_for(caller: Caller, manufacturer_id: str) -> bool:
    """Whether ``caller`` may submit demand or draw material in ``manufacturer_id``'s name:
    the manufacturer itself, or program admin on its behalf (never read-only ops)."""
    if caller.role is Role.MANUFACTURER:
        return caller.subject == manufacturer_id
    return caller.is_admin


@dataclass(frozen=True, slots=True)
class Scope:
    """A list's owner filter for a caller: ``allowed`` False means answer 404."""

    allowed: bool
    owner: str | None


def list_scope(caller: Caller, requested_owner: str | None) -> Scope:
    """Ops list what they ask for; a manufacturer lists only its own (asking for another's
    is not found)."""
    if caller.is_ops:
        return Scope(True, requested_owner)
    own = caller.role is Role.MANUFACTURER and caller.subject is not None
    if own and requested_owner in (None, caller.subject):
        return Scope(True, caller.subject)
    return Scope(False, None)


def has_role(caller: Caller, allowed: Iterable[Role]) -> bool:
    return caller.role in frozenset(allowed)


# What a manufacturer is shown of its own order (sourcing's GET /v1/orders/{id}).
_STORY_ORDER = (
    "order_id",
    "manufacturer_id",
    "request_id",
    "kind",
    "mineral",
    "market",
    "unit",
    "quantity",
    "filled",
    "open",
    "reason",
    "status",
    "deliver_by",
    "limit_price",
    "created_at",
    "updated_at",
    "on_legs",
)
_STORY_LEG = (
    "leg_id",
    "sequence",
    "kind",
    "quantity",
    "filled",
    "status",
    "tier",
    "origin_country",
    "deadline",
    "phase",
    "closed_reason",
)
_STORY_FILL = (
    "fill_id",
    "leg_id",
    "quantity",
    "unit_price",
    "origin_country",
    "tier",
    "warehouse_id",
    "filled_at",
    "phase",
)
_STORY_DECISION = ("number", "trigger", "decided_at", "phase")


def _only(row: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: row[f] for f in fields if f in row}


def order_story(detail: Mapping[str, Any]) -> dict[str, Any]:
    """A manufacturer's view of its own order: what was bought, from which tier and country,
    at what price it pays, and when each decision was taken; never which trader, which
    offers competed, nor any price but its own fills' (whitelisted: a field added to the
    ops view is not shown here until named above)."""
    story = _only(detail, _STORY_ORDER)
    story["legs"] = [_only(leg, _STORY_LEG) for leg in detail.get("legs", [])]
    story["fills"] = [_only(fill, _STORY_FILL) for fill in detail.get("fills", [])]
    story["decisions"] = [_only(d, _STORY_DECISION) for d in detail.get("decisions", [])]
    return story
