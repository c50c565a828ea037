"""The secure profile's broker settings, secrets and service environments (no broker needed)."""

from __future__ import annotations

import stat
from pathlib import Path

from vault.infra.kafka import KafkaCluster
from vault.infra.kafka_secure import Secrets, format_args
from vault.infra.launcher import Endpoints


def _properties(cluster: KafkaCluster) -> dict[str, str]:
    text = cluster.properties(cluster.ports()[0])
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_no_listener_of_a_secure_node_accepts_an_unauthenticated_client(tmp_path: Path) -> None:
    props = _properties(KafkaCluster.load_or_create(tmp_path, 3, 40000, secure=True))
    protocols = dict(p.split(":") for p in props["listener.security.protocol.map"].split(","))
    listeners = [entry.split("://")[0] for entry in props["listeners"].split(",")]
    assert {protocols[name] for name in listeners} == {"SASL_PLAINTEXT"}
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["sasl.mechanism.inter.broker.protocol"] == "SCRAM-SHA-512"
    # KRaft controllers cannot check SCRAM (its credentials live in their own log): PLAIN.
    assert props["sasl.mechanism.controller.protocol"] == "PLAIN"
    assert props["authorizer.class.name"].endswith("StandardAuthorizer")
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:admin"
    assert props["auto.create.topics.enable"] == "false"


def test_a_plaintext_node_stays_as_it_was(tmp_path: Path) -> None:
    props = _properties(KafkaCluster.load_or_create(tmp_path, 1, 40000))
    assert props["listeners"].startswith("PLAINTEXT://127.0.0.1:40000")
    assert "authorizer.class.name" not in props


def test_the_secure_flag_survives_a_reload(tmp_path: Path) -> None:
    KafkaCluster.load_or_create(tmp_path, 1, 40000, secure=True)
    assert KafkaCluster.load_or_create(tmp_path, 1, 0).secure


def test_secrets_are_generated_once_and_readable_by_their_owner_only(tmp_path: Path) -> None:
    vault = Secrets(tmp_path / "secrets")
    first = vault.ensure("demand")
    assert vault.ensure("demand") == first
    assert vault.admin_password() == vault.admin_password() != first
    assert stat.S_IMODE((tmp_path / "secrets").stat().st_mode) == 0o700
    for path in (tmp_path / "secrets").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert format_args(vault) == [
        "--add-scram",
        f"SCRAM-SHA-512=[name=admin,password={vault.admin_password()}]",
    ]


def _endpoints(**extra: object) -> Endpoints:
    urls = {s: f"postgresql://{s}@db/{s}" for s in ("demand", "inventory")}
    return Endpoints("127.0.0.1:9092", None, urls, True, False, **extra)  # type: ignore[arg-type]


def test_each_service_is_handed_its_own_principal_in_the_secure_profile(tmp_path: Path) -> None:
    vault = Secrets(tmp_path)
    passwords = {s: vault.ensure(s) for s in ("demand", "inventory")}
    endpoints = _endpoints(secure=True, kafka_secrets=str(tmp_path))
    for service, password in passwords.items():
        env = endpoints.service_env(service)
        assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
        assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert (env["KAFKA_SASL_USERNAME"], env["KAFKA_SASL_PASSWORD"]) == (service, password)


def test_plaintext_services_get_plaintext_whatever_the_callers_environment_says() -> None:
    env = _endpoints().service_env("demand")
    assert env["KAFKA_SECURITY_PROTOCOL"] == "PLAINTEXT"
    assert env["KAFKA_SASL_USERNAME"] == env["KAFKA_SASL_PASSWORD"] == ""
