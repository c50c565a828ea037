"""What access's API reads and answers. A key's plaintext appears once, in ``IssuedOut``."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class PrincipalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="manufacturer, ops or service")
    id: str = Field(description="a manufacturer's id, an ops user's or a system's name")
    role: str | None = Field(default=None, description="ops and service: ops_read or program_admin")
    expires_at: AwareDatetime | None = Field(default=None, description="the first key's expiry")


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_at: AwareDatetime | None = None
    grace_s: int = Field(
        default=0, description="seconds the principal's older keys keep working (0: stop now)"
    )


class KeyOut(BaseModel):
    key_id: str
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class PrincipalOut(BaseModel):
    principal: str
    kind: str
    id: str
    role: str
    subject: str | None
    created_at: datetime
    removed_at: datetime | None
    keys: list[KeyOut]


class IssuedOut(BaseModel):
    principal: str
    role: str
    subject: str | None
    key_id: str
    api_key: str = Field(description="the key itself: shown once, stored only as a hash")
    issued_at: datetime
    expires_at: datetime | None


class PrincipalList(BaseModel):
    principals: list[PrincipalOut]


class CallerOut(BaseModel):
    """The holder of the key a request carried."""

    principal: str
    role: str
    subject: str | None = Field(description="a manufacturer's or trader's id; none for ops")
    key_id: str
