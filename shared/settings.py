"""Settings every service reads from its environment (the names are the contract with ops)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """One service process: where the broker and its database are, and how it serves HTTP."""

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, populate_by_name=True
    )

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
    outbox_poll_s: float = Field(default=0.5, alias="VAULT_OUTBOX_POLL_S")
    outbox_batch: int = Field(default=500, alias="VAULT_OUTBOX_BATCH")
    topic_partitions: int = Field(default=3, alias="VAULT_TOPIC_PARTITIONS")
    topic_replicas: int = Field(default=1, alias="VAULT_TOPIC_REPLICAS")


# The environment variables a service cannot start without (checked against docker-compose.yml).
REQUIRED_ENV = ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "VAULT_HTTP_PORT")
