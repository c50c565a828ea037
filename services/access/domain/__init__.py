"""Principals and their keys: what may be created, rotated, revoked. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from shared.access.entitlements import PrincipalKind, Role

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
# The roles each kind of principal may hold.
ROLES_OF: dict[PrincipalKind, tuple[Role, ...]] = {
    PrincipalKind.MANUFACTURER: (Role.MANUFACTURER,),
    PrincipalKind.OPS: (Role.OPS_READ, Role.PROGRAM_ADMIN),
    PrincipalKind.SERVICE: (Role.OPS_READ, Role.PROGRAM_ADMIN),
    PrincipalKind.CUSTODIAN: (Role.CUSTODIAN,),
}
MAX_GRACE_S = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class NewPrincipal:
    kind: PrincipalKind
    id: str
    role: Role
    subject: str | None

    @property
    def principal(self) -> str:
        return name_of(self.kind, self.id)


def name_of(kind: PrincipalKind, id: str) -> str:
    return f"{kind.value}:{id}"


def new_principal(kind: str, id: str, role: str | None) -> NewPrincipal | str:
    """The principal to create, or why not. A manufacturer's role is always manufacturer
    and it speaks for itself (its id is the manufacturer id); others need an ops role."""
    try:
        parsed_kind = PrincipalKind(kind)
    except ValueError:
        return f"kind must be one of {', '.join(k.value for k in PrincipalKind)}"
    if not _ID.fullmatch(id):
        return "id: letters, digits, '.', '_' and '-', at most 63, starting with a letter or digit"
    allowed = ROLES_OF[parsed_kind]
    if role is None:
        if len(allowed) != 1:
            return f"a {parsed_kind.value} principal needs a role: {', '.join(allowed)}"
        chosen = allowed[0]
    else:
        try:
            chosen = Role(role)
        except ValueError:
            return f"role must be one of {', '.join(r.value for r in allowed)}"
        if chosen not in allowed:
            return f"a {parsed_kind.value} principal's role is one of {', '.join(allowed)}"
    # A manufacturer speaks for itself, a custodian for its warehouse (the id is each's).
    speaks_for_itself = (PrincipalKind.MANUFACTURER, PrincipalKind.CUSTODIAN)
    subject = id if parsed_kind in speaks_for_itself else None
    return NewPrincipal(parsed_kind, id, chosen, subject)


def kind_of(principal: str) -> PrincipalKind | None:
    kind, _, rest = principal.partition(":")
    try:
        return PrincipalKind(kind) if rest else None
    except ValueError:
        return None


def expiry_problem(expires_at: datetime | None, now: datetime) -> str | None:
    if expires_at is not None and expires_at <= now:
        return "expires_at must lie in the future"
    return None


def grace_problem(grace_s: int) -> str | None:
    if not 0 <= grace_s <= MAX_GRACE_S:
        return f"grace_s must be between 0 and {MAX_GRACE_S} (a week)"
    return None
