"""Treasury's settings: the shared ones (``shared.settings``); its name, fixed."""

from __future__ import annotations

from shared.settings import ServiceSettings

NAME = "treasury"

# A price, a ceiling or a funding source is a few hundred bytes.
MAX_BODY_BYTES = 16 * 1024


def treasury_settings(settings: ServiceSettings | None = None) -> ServiceSettings:
    return settings or ServiceSettings()
