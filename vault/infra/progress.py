"""Progress of long work, said while it happens: one line per step, and for a download
a running count at most once a second (overwritten in place on a terminal)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str], None]


def silent(_: str) -> None:
    """For callers that want no progress (tests, library use)."""


def to_stream(stream: TextIO | None = None) -> Progress:
    """Progress lines on ``stream`` (stderr by default, so stdout stays the result)."""

    def say(line: str) -> None:
        out = stream or sys.stderr
        print(line, file=out, flush=True)

    return say


# Maven's batch-mode lines, e.g. "Downloaded from central: https://.../kafka_2.13-4.4.0.jar (6.4 MB at 2.1 MB/s)"
_DOWNLOADED = re.compile(r"Downloaded from \S+: \S*/([^/\s]+)(?: \(([^)]*?)(?: at [^)]*)?\))?")


class DownloadCounter:
    """Counts the files a Maven run downloads and reports them at most every ``every_s``."""

    def __init__(self, say: Progress, what: str, *, every_s: float = 1.0) -> None:
        self._say = say
        self._what = what
        self._every_s = every_s
        self._last: float | None = None  # the first download is always said
        self.files = 0
        self.jars = 0

    def line(self, text: str) -> None:
        found = _DOWNLOADED.search(text)
        if found is None:
            return
        self.files += 1
        name, size = found.group(1), found.group(2)
        if name.endswith(".jar"):
            self.jars += 1
        now = time.monotonic()
        if self._last is None or now - self._last >= self._every_s:
            self._last = now
            sized = f" ({size})" if size else ""
            self._say(
                f"{self._what}: {self.files} files downloaded ({self.jars} jars), last {name}{sized}"
            )

    def done(self) -> None:
        if self.files:
            self._say(f"{self._what}: done, {self.files} files downloaded ({self.jars} jars)")
        else:
            self._say(f"{self._what}: done, from the local Maven repository")
