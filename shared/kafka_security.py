"""How every Vault Kafka client authenticates: read from one place, turned into aiokafka options once.

The environment is the contract with ops (the same names for services, the CLI and
compose): ``KAFKA_SECURITY_PROTOCOL`` (PLAINTEXT, the default for local development;
SASL_PLAINTEXT; SASL_SSL off-box), ``KAFKA_SASL_MECHANISM`` (SCRAM-SHA-512),
``KAFKA_SASL_USERNAME``, ``KAFKA_SASL_PASSWORD`` and, for TLS, ``KAFKA_SSL_CAFILE``.
A client built without an explicit ``KafkaSecurity`` takes the environment's, so a
process run with one principal's variables speaks as that principal everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Protocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]
PROTOCOLS: tuple[Protocol, ...] = ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL")
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")
DEFAULT_MECHANISM = "SCRAM-SHA-512"

ENV_PROTOCOL = "KAFKA_SECURITY_PROTOCOL"
ENV_MECHANISM = "KAFKA_SASL_MECHANISM"
ENV_USERNAME = "KAFKA_SASL_USERNAME"
ENV_PASSWORD = "KAFKA_SASL_PASSWORD"  # noqa: S105 (a variable's name, not a password)
ENV_CAFILE = "KAFKA_SSL_CAFILE"
ENV_NAMES = (ENV_PROTOCOL, ENV_MECHANISM, ENV_USERNAME, ENV_PASSWORD, ENV_CAFILE)


class KafkaSecurityError(ValueError):
    """The security settings contradict each other (e.g. SASL without a username)."""


@dataclass(frozen=True)
class KafkaSecurity:
    protocol: Protocol = "PLAINTEXT"
    mechanism: str = DEFAULT_MECHANISM
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise KafkaSecurityError(f"{ENV_PROTOCOL} must be one of {PROTOCOLS}: {self.protocol}")
        if self.sasl:
            if self.mechanism not in MECHANISMS:
                raise KafkaSecurityError(f"{ENV_MECHANISM} must be one of {MECHANISMS}")
            if not self.username or not self.password:
                raise KafkaSecurityError(f"{self.protocol} needs {ENV_USERNAME} and {ENV_PASSWORD}")

    @property
    def sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def tls(self) -> bool:
        return self.protocol in ("SASL_SSL", "SSL")

    def __repr__(self) -> str:
        # Never print the password (this object ends up in logs and test reports).
        return (
            f"KafkaSecurity(protocol={self.protocol!r}, mechanism={self.mechanism!r}, "
            f"username={self.username!r}, ca_file={self.ca_file!r})"
        )

    def as_env(self) -> dict[str, str]:
        """The variables that make a child process speak as this principal (all five, so
        nothing of the parent's leaks through)."""
        return {
            ENV_PROTOCOL: self.protocol,
            ENV_MECHANISM: self.mechanism if self.sasl else "",
            ENV_USERNAME: (self.username or "") if self.sasl else "",
            ENV_PASSWORD: (self.password or "") if self.sasl else "",
            ENV_CAFILE: (self.ca_file or "") if self.tls else "",
        }


PLAINTEXT = KafkaSecurity()


def from_env(env: Mapping[str, str] | None = None) -> KafkaSecurity:
    """The security the environment asks for; PLAINTEXT where it says nothing."""
    env = os.environ if env is None else env
    protocol = (env.get(ENV_PROTOCOL) or "PLAINTEXT").strip().upper()
    if protocol not in PROTOCOLS:
        raise KafkaSecurityError(f"{ENV_PROTOCOL} must be one of {PROTOCOLS}: {protocol}")
    return KafkaSecurity(
        protocol=protocol,
        mechanism=(env.get(ENV_MECHANISM) or DEFAULT_MECHANISM).strip().upper(),
        username=env.get(ENV_USERNAME) or None,
        password=env.get(ENV_PASSWORD) or None,
        ca_file=env.get(ENV_CAFILE) or None,
    )


def resolve(security: KafkaSecurity | None) -> KafkaSecurity:
    """An explicit choice wins; otherwise the environment's."""
    return from_env() if security is None else security


def client_kwargs(security: KafkaSecurity | None = None) -> dict[str, Any]:
    """The aiokafka keyword arguments (producer, consumer, admin, client alike)."""
    chosen = resolve(security)
    kwargs: dict[str, Any] = {"security_protocol": chosen.protocol}
    if chosen.sasl:
        kwargs.update(
            sasl_mechanism=chosen.mechanism,
            sasl_plain_username=chosen.username,
            sasl_plain_password=chosen.password,
        )
    if chosen.tls:
        from aiokafka.helpers import create_ssl_context

        # Without a CA file the system's trust store decides; hostnames are always checked.
        kwargs["ssl_context"] = create_ssl_context(cafile=chosen.ca_file)
    return kwargs
