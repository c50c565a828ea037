"""The events access publishes: a key issued (its hash), a key revoked."""

from __future__ import annotations

from datetime import datetime

from services.access.settings import NAME
from shared.access.keys import Credential
from shared.contracts import CredentialIssued, CredentialRevoked
from shared.envelope import Envelope, new_event


def issued(credential: Credential) -> Envelope[CredentialIssued]:
    return new_event(
        CredentialIssued(
            key_id=credential.key_id,
            principal=credential.principal,
            role=credential.role,
            subject=credential.subject,
            secret_hash=credential.secret_hash,
            issued_at=credential.issued_at,
            expires_at=credential.expires_at,
        ),
        producer=NAME,
    )


def revoked(key_id: str, at: datetime) -> Envelope[CredentialRevoked]:
    return new_event(CredentialRevoked(key_id=key_id, revoked_at=at), producer=NAME)
