"""Stage 7 on a second core: a helper process renders and stages the event pages (and
makes the cards of the timeline's pages: see EventPageHelper.cards).

A first build of 4,000 articles renders and writes about 29,000 event pages, one per event:
about 4 s on one core, while the other core waits (extraction is over). So when there are
many, a helper process renders and stages them while this process does every other page.

The helper is a new Python process running this module. It is not forked: once the
build holds its timeline, a forked child shares hundreds of megabytes of pages with it, and
every page either side then writes, if only a reference count, is copied (a fork measured
560 MB at 4,000 articles instead of 323). It is sent the configuration and the documents,
loads the theme itself, then gets the events a chunk at a time from a thread. It can render
only pages that need nothing more (see EventPages.portable), as the default theme's.

Its files wait in the same staging folder as the others and move into output/ with them,
after both processes are done (see timeline.output.write_site), so that a failure on
either side leaves output/ as it was.
"""

from __future__ import annotations

import contextlib
import gc
import os
import site
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from timeline import parallel  # noqa: F401 - registers the pickling of events
from timeline.config import Config
from timeline.errors import OutputError, TimelineError, problem
from timeline.output import FileStat, Staged, Stager
from timeline.render import EventPages, standalone_event_pages
from timeline.theme import load_theme

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

MIN_PAGES = 2000
"""Fewer event pages to write than this are rendered in this process: starting the helper
and sending it the events costs more than it saves."""

EARLY = 250
"""A build with at least this many articles to extract starts its helper before extracting
them (see Spare): each article gives several events, so such a build likely has more than
MIN_PAGES event pages to write."""

CHUNK = 256
"""Event pages per message to the helper."""

_PIPE_BYTES = 1 << 20
"""The pipe's buffer (Linux's default limit for it), so a chunk goes in one write."""

AHEAD = 4
"""Chunks sent that the helper has not finished, at most: what it still has to do when
no page is left to send. (The pipe's megabyte alone let it fall about 11 chunks behind:
0.3 s of waiting at the end of a cold build of 4,000 articles.)"""

SHARE = 16
"""Event pages this process takes at a time, once done with its own pages, while the
helper goes on being sent chunks, of CHUNK // 4 pages from then on: this process then
waits 0.03 to 0.04 s for the helper's last pages and results at 4,000 articles, where it
went on alone for 0.23 to 0.25 s after the helper when it took back every page not sent."""

CARDS = ".cards"
"""The helper's cards, in the staging folder (never moved into output/ with the pages)."""

Found = tuple[int, int, int, Staged | None]
"""What the helper found of one page, compactly (tens of thousands travel back): the
size, mtime and inode of its file, and where it waits in the staging folder (None when
output/ already held it)."""


def possible() -> bool:
    """Whether a helper can run here: its pipes are plain file descriptors (POSIX only),
    and a frozen application's executable does not run `-m timeline.offload`."""
    return os.name == "posix" and not getattr(sys, "frozen", False)


def helper_for(pages: EventPages | None, paths: Sequence[str], config: Config,
               spare: Spare | None = None) -> EventPageHelper | None:
    """A helper for the event pages at ``paths``, or None when it would not pay (too few
    pages) or could not render them (see EventPages.portable). Once started, it is the
    process ``spare`` started, if it did."""
    if pages is None or len(paths) < MIN_PAGES or not possible() or not pages.portable():
        return None
    return EventPageHelper(pages, paths, config, spare)


@dataclass(slots=True)
class Process:
    """A helper process and its two pipes: jobs to it, results from it."""

    popen: subprocess.Popen[bytes]
    jobs: Connection
    results: Connection

    @classmethod
    def spawn(cls) -> Process:
        """Start a helper, which waits for its first message (see _helper)."""
        # A new interpreter running this module, not multiprocessing's "spawn": that one
        # imports the caller's main script again, which a script calling build() without
        # an ``if __name__ == "__main__"`` guard does not survive. -P: not with the
        # current folder first on its path, where a folder holding another `timeline`
        # package (a checkout of another version, say) would be imported instead.
        jobs_in, jobs_out = os.pipe()
        results_in, results_out = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # smaller: only more writes
            fcntl.fcntl(jobs_out, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # Linux
        try:
            popen = subprocess.Popen(
                [sys.executable, "-P", "-m", "timeline.offload", str(jobs_in),
                 str(results_out)],
                pass_fds=(jobs_in, results_out), stdin=subprocess.DEVNULL, env=_environment())
        except BaseException:
            os.close(jobs_out)
            os.close(results_in)
            raise
        finally:
            os.close(jobs_in)
            os.close(results_out)
        return cls(popen, Connection(jobs_out, readable=False),
                   Connection(results_in, writable=False))

    def close(self) -> None:
        """Stop it, if it still runs (before its first message it has written nothing),
        and close its pipes."""
        self.jobs.close()
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self.results.close()


class Spare:
    """A helper started before extraction, for the event pages written after it, when a
    build has that many articles to extract that it will likely have thousands of event
    pages to write (EARLY). helper_for() hands it to the EventPageHelper; close() stops it
    when none did.

    Started then, its start-up (an interpreter and its imports, about 0.2 s) is off the
    path from the merge to the written site. And this process is small then: Popen starts
    a child with vfork, and until the child runs the new interpreter, it shares this
    process's memory, which a measure summing each process's memory (bench/build.py's,
    over the process tree) counts twice. Started after the merge, that made a 4,000-article
    build's peak read about 405 MB for a moment instead of about 360."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and possible()
        self._process: Process | None = None

    def want(self, extracting: int) -> None:
        """Start the helper if ``extracting`` articles are about to be extracted, at least
        EARLY. Where it cannot start, the helper is started (or fails to) when needed."""
        if self.enabled and self._process is None and extracting >= EARLY:
            self.enabled = False
            with contextlib.suppress(OSError):
                self._process = Process.spawn()

    def take(self) -> Process | None:
        """The helper started, if any and still running, which the caller now owns."""
        process, self._process = self._process, None
        if process is not None and process.popen.poll() is not None:
            process.close()  # it ended while waiting (killed, say): the caller starts one
            return None
        return process

    def close(self) -> None:
        """Stop the helper if nobody took it."""
        process = self.take()
        if process is not None:
            process.close()


class EventPageHelper:
    """Event pages rendered and staged by another process (timeline.output.Helper)."""

    def __init__(self, pages: EventPages, paths: Sequence[str], config: Config,
                 spare: Spare | None = None) -> None:
        self.pages = pages
        self.config = config
        self.order = sorted(paths, key=pages.index.__getitem__)
        self.paths = frozenset(paths)
        self.cards = pages.split() and pages.cards_portable()
        """Whether the helper also makes each event's card for the page that shows it in
        the timeline (this process takes it instead of rendering it: see _card). Only for
        a split index: its year and month pages come last in this process's order, by
        when the helper has made most cards; an unsplit index comes early."""
        self._cards: dict[str, tuple[int, int]] = {}
        """Event id -> offset and length of its card in the helper's cards file."""
        self._cards_file: str | None = None
        self._cards_fd: int | None = None
        self._outcome: tuple[Any, ...] | None = None
        """What the helper said last ("done", "error" or, when it ended without a word,
        "gone"): set by the thread talking to it, which then ends."""
        self._process: subprocess.Popen[bytes] | None = None
        self._sender: threading.Thread | None = None
        self._jobs: Connection | None = None
        self._results: Connection | None = None
        self._lock = threading.Lock()
        self._next = 0
        """The first page of ``order`` that neither process has taken yet."""
        self._sent: list[str] = []
        """The pages sent to the helper, in the order sent."""
        self._sharing = False
        """Whether this process takes pages too (it is done with its own)."""
        self._spare = spare
        """What may hold a helper started earlier, which start() takes instead of starting
        one (until then, the helper is the Spare's to stop)."""

    def start(self, out_dir: Path, staging: str) -> None:
        process = (self._spare.take() if self._spare is not None else None) or Process.spawn()
        self._process, self._jobs, self._results = process.popen, process.jobs, process.results
        if self.cards:
            self._cards_file = os.path.join(staging, CARDS)
            self.pages.renderer.ready_card = self._card
        self._sender = threading.Thread(target=self._talk, name="timeline-send", daemon=True,
                                        args=(out_dir, staging))
        self._sender.start()

    def _talk(self, out_dir: Path, staging: str) -> None:
        """Send the helper its work (see _send), then hear it out."""
        self._send(out_dir, staging)
        while self._outcome is None:
            self._hear()

    def _hear(self) -> bool:
        """Read the helper's next message: True for the progress of a chunk (with the
        cards it made), else its outcome, kept for finish()."""
        assert self._results is not None
        try:
            message: tuple[Any, ...] = self._results.recv()
        except (EOFError, OSError):
            message = ("gone",)
        if message[0] == "progress":
            self._cards.update(message[1])
            return True
        self._outcome = message
        return False

    def _card(self, event_id: str) -> bytes | None:
        """The card the helper made for an event, if it did yet."""
        found = self._cards.get(event_id)
        if found is None or self._cards_file is None:
            return None
        try:
            if self._cards_fd is None:
                self._cards_fd = os.open(self._cards_file, os.O_RDONLY)
            data = os.pread(self._cards_fd, found[1], found[0])
        except OSError:  # render it here instead
            return None
        return data if len(data) == found[1] else None

    def _send(self, out_dir: Path, staging: str) -> None:
        """Send what the helper needs, then the events a chunk at a time, each with its
        neighbours, then None."""
        assert self._jobs is not None
        events, index = self.pages.events, self.pages.index
        ahead = 0
        try:
            self._jobs.send((self.config, self.pages.documents(), out_dir, staging,
                             self._cards_file))
            while True:
                while ahead >= AHEAD and self._hear():
                    ahead -= 1
                size = CHUNK // 4 if self._sharing else CHUNK
                chunk = self._claim(size) if self._outcome is None else []
                if not chunk:
                    break
                at = [index[path] for path in chunk]
                # each page's event and its neighbours (a chunk's pages need not be
                # neighbours: unchanged pages are left out)
                shown = {j: events[j] for i in at for j in (i - 1, i, i + 1)
                         if 0 <= j < len(events)}
                self._jobs.send((chunk, at, shown,
                                 self.pages.timeline_pages(shown.values())))
                self._sent.extend(chunk)
                ahead += 1
            self._jobs.send(None)
        except OSError:  # the helper is gone: finish() says why
            pass
        finally:
            self._jobs.close()

    def _claim(self, count: int) -> list[str]:
        """The next ``count`` pages nobody took yet (fewer at the end), for the taker."""
        with self._lock:
            start = self._next
            self._next = min(start + count, len(self.order))
        return self.order[start:self._next] if self._next > start else []

    @property
    def given(self) -> int:
        return len(self._sent)

    def take_back(self) -> Iterator[str]:
        # The pages not yet sent, SHARE at a time, while the helper is sent chunks: so
        # that neither process waits long for the other, however fast each one is.
        self._sharing = True
        while taken := self._claim(SHARE):
            yield from taken

    def finish(self) -> list[tuple[str, FileStat, Staged | None]]:
        assert self._results is not None and self._process is not None
        self._join()
        self._forget_cards()
        self._results.close()
        outcome = self._outcome
        if outcome is None or outcome[0] == "gone":
            raise OutputError([problem(None, None, "the process writing event pages stopped "
                                       f"(exit code {self._process.returncode})")])
        if outcome[0] == "error":
            _, kind, problems = outcome
            raise kind(problems)
        return list(self._expand(outcome[1]))

    def _expand(self, found: list[Found]) -> Iterator[tuple[str, FileStat, Staged | None]]:
        """Each page, in the order sent, with its stat and where it waits (see Found)."""
        for path, (size, mtime, inode, missing) in zip(self._sent, found, strict=True):
            yield path, (size, mtime, inode), missing

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self._join()
        self._forget_cards()
        if self._results is not None:
            self._results.close()

    def _join(self) -> None:
        if self._process is not None:
            self._process.wait()
        if self._sender is not None:  # it ends once the helper is gone
            self._sender.join()

    def _forget_cards(self) -> None:
        """Render every card here from now on (the cards file goes with the staging
        folder)."""
        if self.pages.renderer.ready_card == self._card:
            self.pages.renderer.ready_card = None
        if self._cards_fd is not None:
            os.close(self._cards_fd)
            self._cards_fd = None


def _environment() -> dict[str, str]:
    """The helper's environment: this one, with the folder holding this very timeline
    package first on its path when that is not where the interpreter looks anyway (a
    source checkout, a folder put on sys.path). An installed package's folder is not
    added: it would come before the standard library."""
    home = Path(__file__).resolve().parent.parent
    paths = sysconfig.get_paths()
    installed = {Path(p).resolve() for p in (*site.getsitepackages(), paths["purelib"],
                                             paths["platlib"])}
    env = dict(os.environ)
    if home not in installed:
        found = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(home) + (os.pathsep + found if found else "")
    return env


def _helper(jobs: Connection, results: Connection) -> None:
    """The helper process: render and stage every page it is sent, then send back each
    page's stat and place in the staging folder (or the problems met)."""
    done: list[Found] = []
    try:
        first = jobs.recv()
    except EOFError:  # a spare nobody needed (see Spare): it was sent nothing
        results.close()
        return
    cards = None
    try:
        config, documents, out_dir, staging, cards_file = first
        pages = standalone_event_pages(config, load_theme(config), documents)
        stager = Stager(out_dir, staging)
        if cards_file is not None:
            cards = open(cards_file, "xb")  # noqa: SIM115 - closed below
        gc.freeze()  # the documents and the theme stay: collections need not walk them
        while (message := jobs.recv()) is not None:
            chunk, at, events, placed = message
            pages.place(placed)
            made = []
            for path, i in zip(chunk, at, strict=True):
                page = pages.page(path, events[i], events.get(i - 1), events.get(i + 1))
                found, waiting = stager.stage(path, page)
                done.append((*found, waiting))
                if cards is not None:
                    card = pages.card(events[i])
                    made.append((events[i].id, (cards.tell(), len(card))))
                    cards.write(card)
            if cards is not None:
                cards.flush()
            results.send(("progress", made))
        results.send(("done", done))
    except TimelineError as exc:
        results.send(("error", type(exc), list(exc.problems)))
    except BaseException as exc:
        results.send(("error", OutputError,
                      [problem(None, None, f"cannot write the event pages: {exc}")]))
    finally:
        if cards is not None:
            cards.close()
        results.close()


if __name__ == "__main__":
    _helper(Connection(int(sys.argv[1]), writable=False),
            Connection(int(sys.argv[2]), readable=False))
