"""CPU time of the processes behind a benchmark run, read from ``/proc/<pid>/stat``.

Each group is a name and its leader pids. A group's time is every leader's
``utime + stime + cutime + cstime`` (its own work and that of children it has
reaped) plus, for groups that want it, the ``utime + stime`` of their children
still alive. PostgreSQL is such a group: the postmaster plus every backend and
worker, and a backend that exits meanwhile moves its time into the postmaster's
``cutime``, so the sum stays continuous.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    own_ticks: int  # utime + stime
    reaped_ticks: int  # cutime + cstime


@dataclass(frozen=True)
class ProcessGroup:
    name: str
    pids: tuple[int, ...]
    with_children: bool = False


def read_stat(pid: int) -> ProcStat | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: fields follow the last ")".
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return ProcStat(pid, int(fields[1]), utime + stime, cutime + cstime)


def all_stats() -> Iterator[ProcStat]:
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := read_stat(int(entry.name))) is not None:
            yield stat


def command_line(pid: int) -> list[str]:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def pids_whose_command(matches: Iterable[str]) -> list[int]:
    """Processes whose command line contains every one of ``matches``."""
    wanted = list(matches)
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            line = " ".join(command_line(int(entry.name)))
            if line and all(m in line for m in wanted):
                found.append(int(entry.name))
    return sorted(found)


def alive(pid: int) -> bool:
    return (PROC / str(pid)).exists()


def group_ticks(group: ProcessGroup, stats: Mapping[int, ProcStat]) -> int:
    leaders = set(group.pids)
    ticks = sum(s.own_ticks + s.reaped_ticks for p in leaders if (s := stats.get(p)))
    if group.with_children:
        ticks += sum(s.own_ticks for s in stats.values() if s.ppid in leaders)
    return ticks


def snapshot(groups: Iterable[ProcessGroup]) -> dict[str, int]:
    """Clock ticks used so far by each group."""
    stats = {s.pid: s for s in all_stats()}
    return {g.name: group_ticks(g, stats) for g in groups}


def cpu_ms(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, float]:
    return {name: (after[name] - before[name]) * 1000 / CLOCK_TICKS for name in before}


# Where the launcher keeps its processes' ids (``vault run``, ``vault infra up``).
SERVICES = ("demand", "sourcing", "trader_gateway", "inventory")


def pid_in(path: Path) -> int | None:
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if alive(pid) else None


def _listed(variable: str) -> tuple[int, ...] | None:
    """Pids named in an environment variable (comma-separated), for systems we did not launch."""
    text = os.environ.get(variable)
    return tuple(int(p) for p in text.split(",") if p.strip()) if text else None


def kafka_pids(state: Path) -> tuple[int, ...]:
    """``VAULT_BENCH_KAFKA_PIDS``, else the launcher's pid files, else JVMs running from ``state``."""
    explicit = _listed("VAULT_BENCH_KAFKA_PIDS")
    if explicit is not None:
        return explicit
    from_files = sorted(
        pid for f in state.glob("kafka/*/node-*/kafka.pid") if (pid := pid_in(f)) is not None
    )
    return tuple(from_files or pids_whose_command(["kafka.Kafka", str(state)]))


def postmaster_pids(state: Path, port: int | None) -> tuple[int, ...]:
    """``VAULT_BENCH_POSTGRES_PID``, else the launcher's data folder, else the server on ``port``."""
    explicit = _listed("VAULT_BENCH_POSTGRES_PID")
    if explicit is not None:
        return explicit
    pid = pid_in(state / "postgres" / "run" / "data" / "postmaster.pid")
    if pid is not None:
        return (pid,)
    if port is None:
        return ()
    servers = pids_whose_command(["postgres", f"port={port}"])
    return tuple(p for p in servers if (s := read_stat(p)) and s.ppid not in servers)


def service_pids(state: Path) -> dict[str, int | None]:
    return {name: pid_in(state / "services" / f"{name}.pid") for name in SERVICES}
