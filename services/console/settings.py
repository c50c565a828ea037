"""The console's settings: where the services answer, how often it samples and refreshes.

No database and no consumer group: the console only reads the services' HTTP APIs and
``/metrics``, and the dead-letter topics (as the ``console`` Kafka principal).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from pydantic import Field, SecretStr

from shared.kafka_security import KafkaSecurity
from shared.settings import KafkaClientSettings

NAME = "console"
DEFAULT_PORT = 8105
SERVICES = ("demand", "sourcing", "trader_gateway", "inventory")


class ConsoleSettings(KafkaClientSettings):
    http_host: str = Field(default="127.0.0.1", alias="VAULT_HTTP_HOST")
    http_port: int = Field(default=DEFAULT_PORT, alias="VAULT_HTTP_PORT")
    log_level: str = Field(default="INFO", alias="VAULT_LOG_LEVEL")
    log_format: Literal["auto", "json", "console"] = Field(default="auto", alias="VAULT_LOG_FORMAT")
    kafka_bootstrap_servers: str = Field(
        default="",
        alias="KAFKA_BOOTSTRAP_SERVERS",
        description="where the dead letters are read; empty: the dead-letters page says so",
    )
    # The names the `vault` command reads too (vault/endpoints.py).
    demand_url: str = Field(default="http://127.0.0.1:8101", alias="VAULT_DEMAND_URL")
    sourcing_url: str = Field(default="http://127.0.0.1:8102", alias="VAULT_SOURCING_URL")
    trader_gateway_url: str = Field(
        default="http://127.0.0.1:8103", alias="VAULT_TRADER_GATEWAY_URL"
    )
    inventory_url: str = Field(default="http://127.0.0.1:8104", alias="VAULT_INVENTORY_URL")
    # issue 16: participation's coverage; issue 17: treasury's reports
    participation_url: str = Field(default="http://127.0.0.1:8107", alias="VAULT_PARTICIPATION_URL")
    treasury_url: str = Field(default="http://127.0.0.1:8108", alias="VAULT_TREASURY_URL")
    access_url: str = Field(
        default="http://127.0.0.1:8106",
        alias="VAULT_ACCESS_URL",
        description="where an operator's key is checked at sign-in (GET /v1/me)",
    )
    api_key: SecretStr = Field(
        default=SecretStr(""),
        alias="VAULT_CONSOLE_API_KEY",
        description="the console's own API key (an ops_read service client): every read it makes",
    )
    sample_s: float = Field(
        default=5.0, gt=0, alias="VAULT_CONSOLE_SAMPLE_S", description="how often /metrics is read"
    )
    history: int = Field(
        default=120, ge=2, alias="VAULT_CONSOLE_HISTORY", description="samples kept for rates"
    )
    refresh_s: float = Field(
        default=10.0, ge=0, alias="VAULT_CONSOLE_REFRESH_S", description="pages re-read; 0: never"
    )
    request_timeout_s: float = Field(default=5.0, gt=0, alias="VAULT_CONSOLE_TIMEOUT_S")
    # Operators sign in with their own ops key (ops_read or program_admin).
    session_ttl_s: float = Field(
        default=8 * 3600, gt=0, alias="VAULT_CONSOLE_SESSION_TTL_S", description="a sign-in lasts"
    )
    session_recheck_s: float = Field(
        default=60.0,
        gt=0,
        alias="VAULT_CONSOLE_SESSION_RECHECK_S",
        description="how often a session's key is asked about again (a revoked key ends it)",
    )
    cookie_secure: bool = Field(
        default=False,
        alias="VAULT_CONSOLE_COOKIE_SECURE",
        description="send the session cookie over HTTPS only (set it behind TLS)",
    )
    # Replay writes to any original topic: as the ops principal, never the console's own.
    replay_kafka_username: str = Field(
        default="",
        alias="VAULT_CONSOLE_REPLAY_KAFKA_USERNAME",
        description="the Kafka principal replays are published as (secure profile: vault-ops)",
    )
    replay_kafka_password: SecretStr = Field(
        default=SecretStr(""), alias="VAULT_CONSOLE_REPLAY_KAFKA_PASSWORD"
    )

    def replay_security(self) -> KafkaSecurity | None:
        """How a replay is published; None when SASL is on and no replay principal is set."""
        own = self.kafka_security()
        if not own.sasl:
            return own
        if not self.replay_kafka_username:
            return None
        return replace(
            own,
            username=self.replay_kafka_username,
            password=self.replay_kafka_password.get_secret_value(),
        )

    def url(self, service: str) -> str:
        urls = {
            "demand": self.demand_url,
            "sourcing": self.sourcing_url,
            "trader_gateway": self.trader_gateway_url,
            "inventory": self.inventory_url,
            "participation": self.participation_url,
            "treasury": self.treasury_url,
            "access": self.access_url,
        }
        return urls[service].rstrip("/")
