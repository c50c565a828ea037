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
INIT_SCRIPT = (ROOT / "deploy" / "postgres-init.sh").read_text()


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
    from vault.infra.compose_postgres import password_variable

    variable = password_variable(name)
    # The password is compose's required variable, the one the init script sets the role's
    # password from (postgres is given it too): there is no default.
    raw = service["environment"]["DATABASE_URL"]
    required = INTERPOLATION.fullmatch(raw.split(":", 2)[2].split("@", 1)[0])
    assert required is not None, raw
    assert required.groups()[:2] == (variable, ":?")
    url = urlsplit(INTERPOLATION.sub("secret", raw))
    assert (url.hostname, url.port, url.username, url.path) == ("postgres", 5432, name, f"/{name}")
    postgres = _service("postgres")["environment"]
    assert postgres[variable].startswith(f"${{{variable}:?")
    assert f"CREATE ROLE {name} LOGIN PASSWORD :'{name}_password';" in INIT_SCRIPT
    assert f'-v {name}_password="${{{variable}}}"' in INIT_SCRIPT
    assert f"CREATE DATABASE {name} OWNER {name};" in INIT_SCRIPT
    assert set(service["depends_on"]) == {"kafka", "postgres"}
    assert all(dep["condition"] == "service_healthy" for dep in service["depends_on"].values())


def test_compose_runs_the_kafka_version_the_launcher_runs_in_kraft_mode() -> None:
    kafka = _service("kafka")
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "healthcheck" in kafka
    assert "healthcheck" in _service("postgres")
    assert _service("postgres")["image"].startswith("postgres:")


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_given_the_first_keys_as_hashes_and_nobody_a_shared_token(
    name: str,
) -> None:
    environment = _service(name)["environment"]
    assert environment["VAULT_BOOTSTRAP_KEYS"].startswith("${VAULT_BOOTSTRAP_KEYS:?")
    assert "VAULT_ADMIN_TOKEN" not in environment


def test_ports_are_the_ones_the_run_command_and_cli_use() -> None:
    from vault.endpoints import SERVICE_PORTS

    for name in SERVICES:
        assert int(_service(name)["environment"]["VAULT_HTTP_PORT"]) == SERVICE_PORTS[name]


# -- no default secrets, and the secure Kafka profile ------------------------------------

SECURE_TEXT = (ROOT / "deploy" / "compose.secure.yml").read_text()
SECURE: dict[str, Any] = yaml.safe_load(SECURE_TEXT)
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(:?[-?+])?([^}]*)\}")


def test_no_compose_file_gives_a_variable_a_default_value() -> None:
    for text in ((ROOT / "docker-compose.yml").read_text(), SECURE_TEXT):
        for name, operator, _ in INTERPOLATION.findall(text):
            assert operator == ":?", f"${{{name}}} must be required (:?), not {operator!r}"


def test_the_console_key_must_be_set_there_is_no_usable_default() -> None:
    assert _service("console")["environment"]["VAULT_CONSOLE_API_KEY"].startswith(
        "${VAULT_CONSOLE_API_KEY:?"
    )


@pytest.mark.parametrize("name", SERVICES)
def test_in_the_secure_profile_each_service_is_its_own_principal(name: str) -> None:
    from vault.infra.compose_secure import password_variable

    env = SECURE["services"][name]["environment"]
    assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["KAFKA_SASL_USERNAME"] == name
    assert env["KAFKA_SASL_PASSWORD"].startswith(f"${{{password_variable(name)}:?")
    assert SECURE["services"][name]["depends_on"]["kafka-setup"] == {
        "condition": "service_completed_successfully"
    }


def test_the_secure_broker_and_its_setup_run_the_generated_scripts_with_every_password() -> None:
    from vault.infra import compose_secure

    for relative, text in compose_secure.scripts().items():
        assert (ROOT / relative).read_text() == text, (
            f"{relative} is stale: run python -m vault.infra.compose_secure"
        )
    kafka, setup = SECURE["services"]["kafka"], SECURE["services"]["kafka-setup"]
    assert kafka["entrypoint"][-1] == "/vault/start.sh"
    assert setup["entrypoint"][-1] == "/vault/provision.sh"
    assert setup["image"] == _service("kafka")["image"]
    provision = compose_secure.provision_script()
    for variable in re.findall(r"\$\{(VAULT_KAFKA_[A-Z_]+):\?\}", provision):
        assert variable in setup["environment"], variable
    # The setup principal list is the launcher's own: every service and ops.
    for principal in compose_secure.PROVISIONED:
        assert f"--entity-name {principal} " in provision


# -- the console, Prometheus and Grafana --------------------------------------------------


def test_the_console_runs_from_the_one_image_and_reads_every_service_where_compose_puts_it() -> (
    None
):
    from vault.endpoints import CONSOLE, SERVICE_PORTS

    console = _service(CONSOLE)
    assert console["image"] == "vault:latest"
    assert console["command"] == ["python", "-m", "services.console"]
    env = console["environment"]
    assert int(env["VAULT_HTTP_PORT"]) == SERVICE_PORTS[CONSOLE]
    assert console["ports"] == [f"{SERVICE_PORTS[CONSOLE]}:{SERVICE_PORTS[CONSOLE]}"]
    assert "DATABASE_URL" not in env  # no database of its own, none of theirs
    for name in SERVICES:
        port = _service(name)["environment"]["VAULT_HTTP_PORT"]
        assert env[f"VAULT_{name.upper()}_URL"] == f"http://{name}:{port}"
    assert "/health/ready" in " ".join(console["healthcheck"]["test"])


def test_prometheus_scrapes_every_process_compose_runs_and_grafana_reads_it() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: static["targets"]
        for job in config["scrape_configs"]
        for static in job["static_configs"]
    }
    for name in (*SERVICES, "console"):
        port = _service(name)["environment"]["VAULT_HTTP_PORT"]
        assert targets[name] == [f"{name}:{port}"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in _service("prometheus")["volumes"]
    assert _service("grafana")["depends_on"]["prometheus"] == {"condition": "service_healthy"}


def test_the_postgres_init_script_is_generated_from_the_services_and_current() -> None:
    from vault.infra import compose_postgres

    assert compose_postgres.init_script() == INIT_SCRIPT, (
        "deploy/postgres-init.sh is stale: run python -m vault.infra.compose_postgres"
    )
    mount = "./deploy/postgres-init.sh:/docker-entrypoint-initdb.d/10-vault.sh:ro"
    assert mount in _service("postgres")["volumes"]
    superuser = _service("postgres")["environment"]["POSTGRES_PASSWORD"]
    assert superuser.startswith(f"${{{compose_postgres.SUPERUSER_PASSWORD}:?")
