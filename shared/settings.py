"""Settings every service reads from its environment (the names are the contract with ops)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kafka_security import KafkaSecurity, from_env


class KafkaClientSettings(BaseSettings):
    """How a process's Kafka clients authenticate: its principal (the console has no
    database, so these are apart from ``ServiceSettings``)."""

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, populate_by_name=True
    )

    kafka_security_protocol: str = Field(
        default="PLAINTEXT",
        alias="KAFKA_SECURITY_PROTOCOL",
        description="PLAINTEXT (local development), SASL_PLAINTEXT, or SASL_SSL off-box",
    )
    kafka_sasl_mechanism: str = Field(default="SCRAM-SHA-512", alias="KAFKA_SASL_MECHANISM")
    kafka_sasl_username: str = Field(
        default="", alias="KAFKA_SASL_USERNAME", description="this service's Kafka principal"
    )
    kafka_sasl_password: SecretStr = Field(default=SecretStr(""), alias="KAFKA_SASL_PASSWORD")
    kafka_ssl_cafile: str = Field(
        default="", alias="KAFKA_SSL_CAFILE", description="CA that signed the brokers' certificates"
    )

    def kafka_security(self) -> KafkaSecurity:
        """These settings as the one object every Kafka client is built from."""
        return from_env(
            {
                "KAFKA_SECURITY_PROTOCOL": self.kafka_security_protocol,
                "KAFKA_SASL_MECHANISM": self.kafka_sasl_mechanism,
                "KAFKA_SASL_USERNAME": self.kafka_sasl_username,
                "KAFKA_SASL_PASSWORD": self.kafka_sasl_password.get_secret_value(),
                "KAFKA_SSL_CAFILE": self.kafka_ssl_cafile,
            }
        )


class ServiceSettings(KafkaClientSettings):
    """One service process: where the broker and its database are, and how it serves HTTP."""

    kafka_bootstrap_servers: str = Field(
        description="KAFKA_BOOTSTRAP_SERVERS, comma-separated host:port"
    )
    database_url: str = Field(description="DATABASE_URL: this service's own PostgreSQL database")
    http_host: str = Field(default="127.0.0.1", alias="VAULT_HTTP_HOST")
    http_port: int = Field(
        default=0, alias="VAULT_HTTP_PORT", description="health, metrics (and API)"
    )
    log_level: str = Field(default="INFO", alias="VAULT_LOG_LEVEL")
    log_format: Literal["auto", "json", "console"] = Field(default="auto", alias="VAULT_LOG_FORMAT")
    outbox_poll_s: float = Field(
        default=0.1,
        alias="VAULT_OUTBOX_POLL_S",
        description="how soon the relay finds rows another replica wrote (its own wake it)",
    )
    outbox_batch: int = Field(default=500, alias="VAULT_OUTBOX_BATCH")
    outbox_retention_s: float = Field(
        default=0,
        alias="VAULT_OUTBOX_RETENTION_S",
        description="how long published rows are kept (0: deleted once Kafka has them)",
    )
    consumer_max_records: int = Field(
        default=1000, alias="VAULT_CONSUMER_MAX_RECORDS", description="records per poll"
    )
    consumer_max_attempts: int = Field(
        default=5, alias="VAULT_CONSUMER_MAX_ATTEMPTS", description="handler failures, then DLQ"
    )
    consumer_base_backoff_s: float = Field(default=0.2, alias="VAULT_CONSUMER_BACKOFF_S")
    topic_partitions: int = Field(default=3, alias="VAULT_TOPIC_PARTITIONS")
    topic_replicas: int = Field(default=1, alias="VAULT_TOPIC_REPLICAS")
    auth_failures_per_s: float = Field(
        default=5.0,
        gt=0,
        alias="VAULT_AUTH_FAILURES_PER_S",
        description="failed authentications allowed per second, per address and per key id",
    )
    auth_failure_burst: int = Field(default=20, ge=1, alias="VAULT_AUTH_FAILURE_BURST")
    bootstrap_keys: str = Field(
        default="",
        alias="VAULT_BOOTSTRAP_KEYS",
        description="the deployment's first keys, as hashes (shared.access.bootstrap)",
    )

    @classmethod
    def widened(cls, settings: ServiceSettings | None) -> Self:
        """A service's own settings from plain ones (as tests and the launcher give them);
        what the plain ones do not say comes from the environment."""
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        return cls(**settings.model_dump())


# The environment variables a service cannot start without (checked against docker-compose.yml).
REQUIRED_ENV = ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "VAULT_HTTP_PORT")
