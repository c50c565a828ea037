"""access's settings: the shared ones (``shared.settings``); its name, fixed."""

from __future__ import annotations

from shared.settings import ServiceSettings

NAME = "access"
MAX_BODY_BYTES = 8 * 1024


def access_settings(settings: ServiceSettings | None = None) -> ServiceSettings:
    return settings or ServiceSettings()
