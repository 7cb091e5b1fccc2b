"""Render many pages on every core.

Pages that depend on nothing but the plan (an event's page, a source's page) are rendered
by forked worker processes, which inherit the whole plan instead of having it pickled;
they send back the bytes of a few dozen pages at a time, in the order the writer will ask
for them, and only a few chunks are in flight at once so that memory stays flat. The
writer (this process) meanwhile writes what came back: rendering and file-system work
overlap.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from multiprocessing.pool import AsyncResult, Pool

MIN_PAGES = 400
"""Fewer pages than this are rendered in this process (starting workers costs more)."""
CHUNK = 32
"""Pages per task."""

_PLAN: Mapping[str, Callable[[], bytes]] = {}
"""The plan of the build being rendered (set before the workers are forked)."""


def _render(paths: Sequence[str]) -> list[bytes]:
    return [_PLAN[path]() for path in paths]


def can_fork() -> bool:
    """Forking is safe only on Linux in a process with no other thread (a dev server's
    watcher and writer threads rule it out)."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1


class FannedOutFiles(Mapping[str, bytes]):
    """``files``, with the paths of ``ahead`` rendered by ``jobs`` worker processes; they
    must be asked for in that order (others may be asked for in between, and are rendered
    here). Call close() when done."""

    def __init__(self, files: Mapping[str, bytes], render: Mapping[str, Callable[[], bytes]],
                 ahead: Sequence[str], jobs: int) -> None:
        global _PLAN
        self.files = files
        self._chunks = deque(list(ahead[i:i + CHUNK]) for i in range(0, len(ahead), CHUNK))
        self._flight: deque[tuple[list[str], AsyncResult[list[bytes]]]] = deque()
        self._ready: dict[str, bytes] = {}
        self._waiting = set(ahead)
        _PLAN = render
        self._pool: Pool | None = multiprocessing.get_context("fork").Pool(jobs)
        self._window = 2 * jobs
        self._fill()

    def _fill(self) -> None:
        assert self._pool is not None
        while self._chunks and len(self._flight) < self._window:
            chunk = self._chunks.popleft()
            self._flight.append((chunk, self._pool.apply_async(_render, (chunk,))))

    def __getitem__(self, path: str) -> bytes:
        if path not in self._waiting:
            return self.files[path]
        while path not in self._ready:
            chunk, result = self._flight.popleft()
            self._ready.update(zip(chunk, result.get(), strict=True))  # raises a worker's error
            self._fill()
        self._waiting.discard(path)
        return self._ready.pop(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def close(self) -> None:
        global _PLAN
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _PLAN = {}


__all__ = ["CHUNK", "MIN_PAGES", "FannedOutFiles", "can_fork"]
