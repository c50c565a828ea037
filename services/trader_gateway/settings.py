"""The gateway's settings: the shared ones (``shared.settings``), and its API's limits and
admin credential, read from the environment (names are the contract with ops)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

NAME = "trader_gateway"

# Long enough that guessing (rate-limited per address) is hopeless; a shorter value is
# almost certainly a placeholder or a typo, and the gateway refuses to start with it.
MIN_ADMIN_TOKEN_LENGTH = 16


class GatewaySettings(BaseSettings):
    """Limits and the admin credential; the broker and database come from ``ServiceSettings``."""

    # hide_input_in_errors: a rejected admin token must not end up in a start-up traceback.
    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, populate_by_name=True, hide_input_in_errors=True
    )

    # Per API key, in this process: N replicas allow N times the rate (see api/limits.py).
    rate_per_second: Decimal = Field(default=Decimal(20), gt=0, alias="VAULT_GATEWAY_RATE_PER_S")
    rate_burst: int = Field(default=40, ge=1, alias="VAULT_GATEWAY_RATE_BURST")
    # Failed authentications, per client address and per presented key id (api/security.py).
    auth_failures_per_second: Decimal = Field(
        default=Decimal(2), gt=0, alias="VAULT_GATEWAY_AUTH_FAILURES_PER_S"
    )
    auth_failure_burst: int = Field(default=20, ge=1, alias="VAULT_GATEWAY_AUTH_FAILURE_BURST")
    # A batch of 100 fills is about 40 KiB; anything much larger is a mistake or an attack.
    max_body_bytes: int = Field(default=128 * 1024, ge=1024, alias="VAULT_GATEWAY_MAX_BODY_BYTES")
    request_timeout_s: float = Field(default=10.0, gt=0, alias="VAULT_GATEWAY_REQUEST_TIMEOUT_S")
    # The expiry sweep: how often open legs past their deadline are closed (leg.closed).
    sweep_s: float = Field(default=1.0, gt=0, alias="VAULT_GATEWAY_SWEEP_S")
