"""The keys the ``vault`` command and the launcher use: where they come from, and the first ones.

The command calls the services as someone. Its key, first found wins:
1. ``VAULT_API_KEY`` in the environment;
2. the profile ``VAULT_PROFILE`` (default ``default``) in the credentials file,
   ``VAULT_CREDENTIALS_FILE`` or ``~/.config/vault/credentials``: lines
   ``<profile> = vlt_...`` (``#`` comments), e.g. one per role you hold;
3. the launcher's program-admin key in the state folder (``access/admin.key``), made
   by ``vault run`` for a local deployment.

The launcher makes two keys once per state folder (0600, like its other secrets): the
first program admin's and the console's (``ops_read``), and hands services only their
hashes (``VAULT_BOOTSTRAP_KEYS``, ``shared.access.bootstrap``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from shared.access import bootstrap
from shared.access.keys import KEY_PREFIX

ADMIN_PRINCIPAL = "ops:program-admin"
CONSOLE_PRINCIPAL = "service:console"


class NoCredentials(RuntimeError):
    pass


def new_key() -> str:
    return f"{KEY_PREFIX}_{secrets.token_hex(8)}_{secrets.token_urlsafe(32)}"


def _kept(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(new_key())
    return path.read_text().strip()


@dataclass(frozen=True)
class DeploymentKeys:
    admin: str
    console: str

    def bootstrap_env(self) -> str:
        return bootstrap.encode(
            [
                bootstrap.describe(self.admin, ADMIN_PRINCIPAL, "program_admin"),
                bootstrap.describe(self.console, CONSOLE_PRINCIPAL, "ops_read"),
            ]
        )


def deployment_keys(folder: Path) -> DeploymentKeys:
    """The first admin's and the console's keys in ``folder`` (made once, 0600)."""
    return DeploymentKeys(_kept(folder / "admin.key"), _kept(folder / "console.key"))


def keys_folder(state: Path) -> Path:
    return state / "access"


def credentials_file() -> Path:
    explicit = os.environ.get("VAULT_CREDENTIALS_FILE")
    if explicit:
        return Path(explicit)
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "vault" / "credentials"


def read_profiles(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip()
    return found


def api_key(state: Path | None = None) -> str:
    """The key the command calls the services with (see the module's docstring)."""
    explicit = os.environ.get("VAULT_API_KEY")
    if explicit:
        return explicit.strip()
    profile = os.environ.get("VAULT_PROFILE", "default")
    from_file = read_profiles(credentials_file()).get(profile)
    if from_file:
        return from_file
    if state is None:
        from vault.infra.launcher import Launcher

        state = Launcher().state
    admin = keys_folder(state) / "admin.key"
    if admin.exists():
        return admin.read_text().strip()
    raise NoCredentials(
        "no API key: set VAULT_API_KEY, add a profile to "
        f"{credentials_file()}, or start a local system with `vault run`"
    )


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
