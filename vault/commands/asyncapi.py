"""``vault asyncapi``: write each service's AsyncAPI document (docs/asyncapi/<service>.yaml)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from shared.asyncapi import document
from shared.service import Service
from shared.settings import ServiceSettings
from vault.infra.launcher import SERVICES
from vault.infra.paths import project_root

# Building a document opens no connection; these settings only fill the server entry.
DOC_SETTINGS = ServiceSettings(
    kafka_bootstrap_servers="kafka:9092", database_url="postgresql://unused/unused"
)


def service_for_docs(name: str) -> Service:
    module = importlib.import_module(f"services.{name}.app")
    service: Service = module.create_service(DOC_SETTINGS)
    return service


def documents() -> dict[str, str]:
    return {name: document(service_for_docs(name)) for name in SERVICES}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("asyncapi", help="write the AsyncAPI documents of every service")
    cmd.add_argument("--out", type=Path, default=project_root() / "docs" / "asyncapi")
    cmd.set_defaults(handler=_write)


def _write(args: argparse.Namespace) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in documents().items():
        path = args.out / f"{name}.yaml"
        path.write_text(text)
        print(path)
    return 0
