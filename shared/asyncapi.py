"""AsyncAPI documents of each service's channels and payloads, from its FastStream broker."""

from __future__ import annotations

import yaml
from faststream.specification import AsyncAPI

from shared.service import Service

VERSION = "1.0.0"


def document(service: Service) -> str:
    """The service's AsyncAPI 3.0 document as YAML."""
    spec = AsyncAPI(
        service.broker,
        title=f"Vault {service.name}",
        version=VERSION,
        description=(
            f"Channels the {service.name} service consumes and publishes. Every message is the "
            "Vault envelope (event id, type, version, time, producer, key, correlation and "
            "causation ids) around the payload shown. Decimals travel as strings."
        ),
    )
    # FastStream's channel order follows registration internals; sorted keys make the
    # committed documents stable, so a diff shows a real change of contract.
    built = yaml.safe_load(spec.to_specification().to_yaml())
    return str(yaml.safe_dump(built, sort_keys=True, allow_unicode=True, width=100))
