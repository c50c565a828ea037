"""Infrastructure for a benchmark run: the environment's, or a Kafka and PostgreSQL of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from vault.infra.launcher import Launcher
from vault.infra.process import free_port, free_port_block


@contextlib.contextmanager
def bench_infrastructure() -> Iterator[tuple[str, str]]:
    """``(bootstrap servers, admin database URL)``: ``KAFKA_BOOTSTRAP_SERVERS`` and
    ``DATABASE_URL`` when both are set, else freshly launched ones, stopped afterwards."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    database_url = os.environ.get("DATABASE_URL")
    if bootstrap and database_url:
        yield bootstrap, database_url
        return
    state = Path(tempfile.mkdtemp(prefix="vault-bench-"))
    launcher = Launcher(state=state, env={})
    try:
        endpoints, _ = launcher.up(kafka_port=free_port_block(2), pg_port=free_port())
        yield endpoints.bootstrap_servers, endpoints.admin_database_url or ""
    finally:
        launcher.down()
        shutil.rmtree(state, ignore_errors=True)
