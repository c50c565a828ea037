"""Where the launcher keeps jars (cache), data and logs (state).

The jar cache lives outside the source tree so a fresh clone can share it;
the state folder holds broker logs, PostgreSQL data and process logs.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Jar cache: ``$VAULT_CACHE_DIR`` or ``$XDG_CACHE_HOME/vault`` (``~/.cache/vault``)."""
    explicit = os.environ.get("VAULT_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "vault"


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def state_dir() -> Path:
    """Data and logs: ``$VAULT_STATE_DIR`` or ``.vault/`` in the project folder."""
    explicit = os.environ.get("VAULT_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    return project_root() / ".vault"
