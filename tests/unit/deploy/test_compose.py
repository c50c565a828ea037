"""docker-compose.yml agrees with the code (no Docker engine answers here, so it is checked statically)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from shared.settings import REQUIRED_ENV
from vault.infra.kafka import KAFKA_VERSION
from vault.infra.launcher import SERVICES

ROOT = Path(__file__).resolve().parents[3]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
INIT_SQL = (ROOT / "deploy" / "postgres-init.sql").read_text()


def _service(name: str) -> dict[str, Any]:
    service: dict[str, Any] = COMPOSE["services"][name]
    return service


def test_every_vault_service_runs_from_the_one_image_with_its_own_module() -> None:
    for name in SERVICES:
        service = _service(name)
        assert service["image"] == "vault:latest"
        assert service["build"] == "."
        assert service["command"] == ["python", "-m", f"services.{name}"]
        assert importlib.util.find_spec(f"services.{name}.__main__") is not None, name


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_has_every_setting_its_code_requires(name: str) -> None:
    environment = _service(name)["environment"]
    assert set(REQUIRED_ENV) <= set(environment), name


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_port_is_published_and_health_checked(name: str) -> None:
    service = _service(name)
    port = service["environment"]["VAULT_HTTP_PORT"]
    assert service["ports"] == [f"{port}:{port}"]
    probe = " ".join(service["healthcheck"]["test"])
    assert "VAULT_HTTP_PORT" in probe
    assert "/health/ready" in probe


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_reaches_kafka_and_its_own_database_as_compose_defines_them(name: str) -> None:
    service = _service(name)
    kafka_env = _service("kafka")["environment"]
    advertised = kafka_env["KAFKA_ADVERTISED_LISTENERS"].split("://", 1)[1]
    assert service["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == advertised
    url = urlsplit(service["environment"]["DATABASE_URL"])
    assert (url.hostname, url.port, url.username, url.path) == ("postgres", 5432, name, f"/{name}")
    assert re.search(rf"CREATE ROLE {name} LOGIN PASSWORD '{url.password}';", INIT_SQL)
    assert f"CREATE DATABASE {name} OWNER {name};" in INIT_SQL
    assert set(service["depends_on"]) == {"kafka", "postgres"}
    assert all(dep["condition"] == "service_healthy" for dep in service["depends_on"].values())


def test_compose_runs_the_kafka_version_the_launcher_runs_in_kraft_mode() -> None:
    kafka = _service("kafka")
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "healthcheck" in kafka
    assert "healthcheck" in _service("postgres")
    assert _service("postgres")["image"].startswith("postgres:")


def test_the_gateway_has_an_admin_token_setting() -> None:
    assert "VAULT_ADMIN_TOKEN" in _service("trader_gateway")["environment"]


def test_ports_are_the_ones_the_run_command_and_cli_use() -> None:
    from vault.endpoints import SERVICE_PORTS

    for name in SERVICES:
        assert int(_service(name)["environment"]["VAULT_HTTP_PORT"]) == SERVICE_PORTS[name]
