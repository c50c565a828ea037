"""Each service's AsyncAPI document builds, and the committed copy matches the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vault.commands.asyncapi import documents
from vault.infra.launcher import SERVICES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "asyncapi"
BUILT = documents()


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_builds_with_channels_and_payload_schemas(service: str) -> None:
    document = yaml.safe_load(BUILT[service])
    assert document["asyncapi"].startswith("3.")
    assert document["channels"], f"{service} documents no channel"
    assert document["components"]["schemas"], f"{service} documents no payload"
    assert any(op["action"] == "receive" for op in document["operations"].values())


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_document_is_what_the_code_builds(service: str) -> None:
    committed = (DOCS / f"{service}.yaml").read_text()
    assert committed == BUILT[service], (
        "run `vault asyncapi` (make asyncapi) and commit docs/asyncapi/"
    )
