"""Contracts of access: who may call Vault's HTTP APIs. Hashes travel, never secrets."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from shared import topics
from shared.contracts.common import Event, Identifier


class CredentialIssued(Event):
    """``credential.issued``: an API key for a principal in a role; keyed by its key id."""

    EVENT_TYPE = "credential.issued"
    TOPIC = topics.PROGRAM_CREDENTIALS

    key_id: Identifier
    principal: Identifier = Field(description="who: e.g. manufacturer:volta-motors, ops:jo")
    role: str = Field(description="manufacturer, ops_read, program_admin, service")
    subject: str | None = Field(
        default=None, description="what the principal speaks for: a manufacturer id"
    )
    secret_hash: str = Field(description="sha256 of the key (scheme sha256-v1), never the key")
    issued_at: AwareDatetime
    expires_at: AwareDatetime | None = None

    def partition_key(self) -> str:
        return self.key_id


class CredentialRevoked(Event):
    """``credential.revoked``: the key stops working at ``revoked_at`` (now, or after a grace)."""

    EVENT_TYPE = "credential.revoked"
    TOPIC = topics.PROGRAM_CREDENTIALS

    key_id: Identifier
    revoked_at: AwareDatetime

    def partition_key(self) -> str:
        return self.key_id
