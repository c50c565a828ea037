"""Where the CLI finds the running system: the environment first, then the launcher's state."""

from __future__ import annotations

import os

from vault.infra.launcher import Launcher

CONSOLE = "console"
# The port `vault run` gives each process (the console too: it has no database, so it is
# not among the launcher's SERVICES).
SERVICE_PORTS = {
    "demand": 8101,
    "sourcing": 8102,
    "trader_gateway": 8103,
    "inventory": 8104,
    CONSOLE: 8105,
    "participation": 8107,
    "treasury": 8108,
    "access": 8106,
}


class NotRunning(RuntimeError):
    pass


def bootstrap_servers() -> str:
    explicit = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if explicit:
        return explicit
    running = Launcher().running()
    if running is None:
        raise NotRunning(
            "no broker: set KAFKA_BOOTSTRAP_SERVERS or start one with `vault infra up`"
        )
    return running.bootstrap_servers


def service_url(service: str) -> str:
    """``VAULT_<SERVICE>_URL``, else the local port the run command gives the service."""
    explicit = os.environ.get(f"VAULT_{service.upper()}_URL")
    return explicit or f"http://127.0.0.1:{SERVICE_PORTS[service]}"
