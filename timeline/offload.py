"""Stage 7 on a second core: a helper process renders and stages the event pages.

A first build of 4,000 articles renders and writes about 29,000 event pages, one per event:
about 4 s on one core, while the other core waits (extraction is over). So when there are
many, a forked helper renders and stages them while this process does every other page.

The helper inherits the renderer (the theme, the site's values) by the fork, but is sent
the events themselves, pickled a chunk at a time by a thread: reading the parent's event
objects would write their reference counts and so copy their memory pages into the child.
Its files wait in the same staging folder as the others, and are moved into output/ with
them, after both processes are done (see timeline.output.write_site), so a failure on
either side still leaves output/ as it was.

Only on Linux, when no other thread runs (fork is unsafe then); elsewhere the pages are
rendered in this process, as below MIN_PAGES.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import multiprocessing
import multiprocessing.connection
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from timeline import parallel  # noqa: F401 - registers the pickling of events
from timeline.errors import OutputError, TimelineError, problem
from timeline.output import FileStat, Staged, Stager
from timeline.render import EventPages

MIN_PAGES = 2000
"""Fewer event pages to write than this are rendered in this process: starting the helper
and sending it the events costs more than it saves."""

CHUNK = 256
"""Event pages per message to the helper."""

_PIPE_BYTES = 1 << 20
"""The pipe's buffer (Linux's default limit for it), so a chunk goes in one write."""

Result = list[tuple[str, FileStat, Staged | None]]


def helper_for(pages: EventPages | None, paths: Sequence[str]) -> EventPageHelper | None:
    """A helper for the event pages at ``paths``, or None when it would not pay or not be
    safe (too few pages, no fork, other threads running)."""
    if (pages is None or len(paths) < MIN_PAGES or sys.platform != "linux"
            or "fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() != 1):
        return None
    return EventPageHelper(pages, paths)


class EventPageHelper:
    """Event pages rendered and staged by a forked process (timeline.output.Helper)."""

    def __init__(self, pages: EventPages, paths: Sequence[str]) -> None:
        self.pages = pages
        self.order = sorted(paths, key=pages.index.__getitem__)
        self.paths = frozenset(paths)
        self._process: multiprocessing.process.BaseProcess | None = None
        self._sender: threading.Thread | None = None
        self._jobs: multiprocessing.connection.Connection | None = None
        self._results: multiprocessing.connection.Connection | None = None

    def start(self, out_dir: Path, staging: str) -> None:
        context = multiprocessing.get_context("fork")
        jobs_in, jobs_out = context.Pipe(duplex=False)
        results_in, results_out = context.Pipe(duplex=False)
        with contextlib.suppress(OSError, AttributeError):  # smaller: only more writes
            fcntl.fcntl(jobs_out.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        self._process = context.Process(
            target=_helper, args=(jobs_in, results_out, self.pages, out_dir, staging),
            name="timeline-event-pages", daemon=True)
        self._process.start()
        jobs_in.close()
        results_out.close()
        self._jobs, self._results = jobs_out, results_in
        self._sender = threading.Thread(target=self._send, name="timeline-send", daemon=True)
        self._sender.start()

    def _send(self) -> None:
        """Send the events a chunk at a time, each with its neighbours, then None."""
        assert self._jobs is not None
        events, index = self.pages.events, self.pages.index
        try:
            for start in range(0, len(self.order), CHUNK):
                chunk = self.order[start:start + CHUNK]
                at = [index[path] for path in chunk]
                low, high = max(0, at[0] - 1), min(len(events), at[-1] + 2)
                self._jobs.send((chunk, at, low, len(events), events[low:high]))
            self._jobs.send(None)
        except OSError:  # the helper is gone: finish() says why
            pass
        finally:
            self._jobs.close()

    def finish(self) -> Result:
        assert self._results is not None and self._process is not None
        try:
            outcome = self._results.recv()
        except (EOFError, OSError):
            outcome = None
        finally:
            self._results.close()
        self._join()
        if outcome is None:
            raise OutputError([problem(None, None, "the process writing event pages stopped "
                                       f"(exit code {self._process.exitcode})")])
        if outcome[0] == "error":
            _, kind, problems = outcome
            raise kind(problems)
        result: Result = outcome[1]
        return result

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        self._join()

    def _join(self) -> None:
        if self._process is not None:
            self._process.join()
        if self._sender is not None:  # its writes fail once the helper is gone
            self._sender.join()


def _helper(jobs: multiprocessing.connection.Connection,
            results: multiprocessing.connection.Connection, pages: EventPages, out_dir: Path,
            staging: str) -> None:
    """The helper process: render and stage every page it is sent, then send back each
    page's stat and place in the staging folder (or the problems met)."""
    gc.enable()  # only its own objects: the parent's were frozen before the fork
    stager = Stager(out_dir, staging)
    done: Result = []
    try:
        while (message := jobs.recv()) is not None:
            chunk, at, low, total, events = message
            for path, i in zip(chunk, at, strict=True):
                page = pages.page(path, events[i - low], events[i - low - 1] if i > 0 else None,
                                  events[i - low + 1] if i + 1 < total else None)
                found, waiting = stager.stage(path, page)
                done.append((path, found, waiting))
        results.send(("done", done))
    except TimelineError as exc:
        results.send(("error", type(exc), list(exc.problems)))
    except BaseException as exc:
        results.send(("error", OutputError,
                      [problem(None, None, f"cannot write the event pages: {exc}")]))
    finally:
        results.close()
