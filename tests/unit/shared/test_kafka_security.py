"""One place turns the environment into every Kafka client's security options."""

from __future__ import annotations

import ssl

import pytest

from shared.kafka_security import (
    PLAINTEXT,
    KafkaSecurity,
    KafkaSecurityError,
    client_kwargs,
    from_env,
)
from shared.settings import ServiceSettings

SCRAM = {
    "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
    "KAFKA_SASL_USERNAME": "demand",
    "KAFKA_SASL_PASSWORD": "s3cret",
}


def test_nothing_set_is_plaintext() -> None:
    assert from_env({}) == PLAINTEXT
    assert client_kwargs(PLAINTEXT) == {"security_protocol": "PLAINTEXT"}


def test_scram_from_the_environment_becomes_aiokafka_options() -> None:
    assert client_kwargs(from_env(SCRAM)) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "demand",
        "sasl_plain_password": "s3cret",
    }


def test_sasl_ssl_adds_a_context_that_checks_the_brokers_certificate() -> None:
    kwargs = client_kwargs(KafkaSecurity("SASL_SSL", "SCRAM-SHA-512", "demand", "s3cret"))
    context = kwargs["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


@pytest.mark.parametrize(
    "env",
    [
        {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},
        {**SCRAM, "KAFKA_SASL_PASSWORD": ""},
        {**SCRAM, "KAFKA_SASL_MECHANISM": "GSSAPI"},
        {"KAFKA_SECURITY_PROTOCOL": "TLS"},
    ],
)
def test_contradictory_settings_are_refused_before_any_connection(env: dict[str, str]) -> None:
    with pytest.raises(KafkaSecurityError):
        from_env(env)


def test_the_password_never_shows_in_a_repr() -> None:
    assert "s3cret" not in repr(from_env(SCRAM))


def test_a_childs_environment_names_all_five_variables_so_none_leaks_from_the_parent() -> None:
    assert PLAINTEXT.as_env() == {
        "KAFKA_SECURITY_PROTOCOL": "PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "",
        "KAFKA_SASL_USERNAME": "",
        "KAFKA_SASL_PASSWORD": "",
        "KAFKA_SSL_CAFILE": "",
    }
    assert from_env(from_env(SCRAM).as_env()) == from_env(SCRAM)


def test_service_settings_read_the_same_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        **SCRAM,
        "KAFKA_BOOTSTRAP_SERVERS": "k:9092",
        "DATABASE_URL": "postgresql://x/y",
    }.items():
        monkeypatch.setenv(key, value)
    settings = ServiceSettings()
    assert settings.kafka_security() == from_env(SCRAM)
    assert "s3cret" not in repr(settings)
