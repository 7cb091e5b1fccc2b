"""``timeline serve``: build, serve from memory, rebuild on every change, reload the pages.

Changes are sorted by kind, and each kind redoes only what it must (Zola's rule):
an article changed -> read again only the files whose size or mtime moved, extract only
those (the others come from the in-memory extraction cache), merge again and give ids only
where the changed candidates reach (timeline.build.Session), and publish a site whose pages
are rendered when first asked for; a template changed -> render the last timeline again,
no reading or extraction; timeline.toml changed -> start over. Bursts of file events (an
editor's atomic save, a git checkout) are debounced into one rebuild. Behind the served
site, a writer thread renders every page and writes output/ (and the id registry) exactly
as ``timeline build`` would, giving up on a site as soon as a newer one is published, and
pausing while a change waits, a rebuild runs or a page is being asked for.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jinja2
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from timeline.build import ReadMemo, Session, build_timeline, make_cache, read_documents
from timeline.cache import ExtractionCache
from timeline.config import CONFIG_NAME, Config, load_config
from timeline.documents import EXTENSIONS
from timeline.errors import BuildFailed, Problem, TimelineError, problem
from timeline.livereload import LazySite, SiteState, handle, probe_paths
from timeline.model import Progress, Timeline
from timeline.output import write_site
from timeline.render import plan_site
from timeline.theme import Theme, load_theme

log = logging.getLogger(__name__)

CONTENT, THEME, CONFIG = "content", "theme", "config"
WRITE_AFTER = 0.25
"""Seconds the writer lets a new site alone before rendering all of it for output/, so that
the reloading pages' own requests do not share the CPU with it."""
WRITER_SWITCH = 0.0005
"""Seconds the writer may keep the interpreter while another thread waits for it (Python's
switch interval, 0.005 by default): a file event, a rebuild or a page request must not queue
behind pages that are only being written to disk."""


def change_kind(path: Path, config: Config) -> str | None:
    """What a changed path means for the site: content, theme, config, or nothing."""
    if path == config.config_file or path == config.site_dir / CONFIG_NAME:
        return CONFIG
    if path.is_relative_to(config.output_dir) or path.is_relative_to(config.cache_dir):
        return None
    if any(part.startswith(".") for part in path.parts[len(config.site_dir.parts):]) or \
            path.name.endswith(("~", ".swp", ".swx", ".tmp")):
        return None  # editor scratch files; their final rename reports the real name
    if path.is_relative_to(config.content_dir):
        return CONTENT if path.suffix.lower() in EXTENSIONS or not path.suffix else None
    if path.is_relative_to(config.site_themes_dir):
        return THEME
    return None


class Debouncer:
    """Collect change kinds; call ``act(kinds)`` once things were quiet for ``delay`` s.

    Calls never overlap: changes arriving during a rebuild start another one after it."""

    def __init__(self, act: Callable[[set[str]], object], delay: float = 0.05) -> None:
        self.act = act
        self.delay = delay
        self._lock = threading.Lock()
        self._running = threading.Lock()
        self._kinds: set[str] = set()
        self._timer: threading.Timer | None = None

    def add(self, kind: str) -> None:
        with self._lock:
            self._kinds.add(kind)
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._running:
            with self._lock:
                kinds, self._kinds, self._timer = self._kinds, set(), None
            if kinds:
                self.act(kinds)

    def waiting(self) -> bool:
        """Whether changes wait for their rebuild."""
        with self._lock:
            return bool(self._kinds)

    def cancel(self) -> None:
        """Drop pending changes, and wait for the timer's thread to end."""
        with self._lock:
            timer, self._timer, self._kinds = self._timer, None, set()
        if timer is not None:
            timer.cancel()
            timer.join()

    def flush(self) -> None:
        """Run a pending rebuild now (for tests)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        self._fire()


class ChangeHandler(FileSystemEventHandler):
    """Turns watchdog events into change kinds for a debouncer."""

    def __init__(self, config: Callable[[], Config], debouncer: Debouncer) -> None:
        self.config = config
        self.debouncer = debouncer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                kind = change_kind(Path(str(raw)), self.config())
                if kind is not None:
                    self.debouncer.add(kind)


class DevServer:
    """The site in memory, rebuilt by change kind; output/ written behind it."""

    def __init__(self, config: Config, report: Callable[[str], None] | None = None,
                 progress: Progress | None = None) -> None:
        self.config = config
        self.state = SiteState()
        self.report = report or log.info
        self.progress = progress
        """Told how the first build goes (it extracts every article; the others, a few)."""
        self.timeline: Timeline | None = None
        self.retry: set[str] = set()
        """The change kinds of failed rebuilds, redone by the next one."""
        self.good: Mapping[str, bytes] = {}
        """The newest site whose every file rendered (what output/ holds)."""
        self._generation = 0
        self._pending: tuple[int, LazySite, ExtractionCache, dict[str, str] | None] | None = None
        self._ids_lock = threading.Lock()
        self._frozen = False
        self._collecting = gc.isenabled()
        """Whether the garbage collector ran when the server started (rebuilds stop it)."""
        self._rebuilding = False
        self._start_over()
        self._wake = threading.Condition()
        self._writing = False
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name="timeline-writer",
                                        daemon=True)
        self._writer.start()
        self._observer: Any = None
        self._watched: dict[Path, Any] = {}
        self._debouncer: Debouncer | None = None

    def _start_over(self) -> None:
        self.cache = make_cache(self.config)
        self.memo = ReadMemo()
        self.session = Session()
        self.theme: Theme | None = None
        self.env: jinja2.Environment | None = None

    def rebuild(self, kinds: Iterable[str] = (CONFIG,)) -> bool:
        """Rebuild for these change kinds; True on success. Never raises on bad input."""
        kinds = set(kinds) | self.retry
        self.state.begin()
        # A full collection walks every object (a second at 4,000 articles' extractions);
        # none runs while the reload waits, and those of the first build are frozen below.
        # Nor does the one the rebuild's own garbage calls for (20 to 80 ms): the writer
        # lets the collector run again when it starts, once the pages have reloaded.
        gc.disable()
        with self._wake:
            self._rebuilding = True
        try:
            try:
                site, warnings = self._make_site(kinds)
            except TimelineError as exc:
                return self._failed(kinds, exc.problems)
            except Exception as exc:  # our bug: say so, and keep serving
                log.exception("rebuild failed")
                return self._failed(kinds, [problem(
                    None, None, f"internal error: {exc!r}; this is a bug in timeline, "
                    "please report it")])
            finally:
                self._sync_watches()
            self.retry = set()
            self.state.publish(site)
            self._submit(site)
            if not self._frozen:
                gc.freeze()  # the documents and extractions stay: collections skip them
                self._frozen = True
        finally:
            with self._wake:
                self._rebuilding = False
                writer_resumes = self._pending is not None
            if not writer_resumes:
                self._resume_collecting()
        for p in warnings:
            self.report(str(p))
        assert self.timeline is not None
        self.report(f"rebuilt ({', '.join(sorted(kinds))}): {len(self.timeline.events)} events "
                    f"from {len(self.timeline.documents)} documents")
        return True

    def _resume_collecting(self) -> None:
        """Let the garbage collector run again (if it ran when the server started), unless
        a rebuild is under way."""
        with self._wake:
            if self._collecting and not self._rebuilding:
                gc.enable()

    def _failed(self, kinds: set[str], problems: Iterable[Problem]) -> bool:
        self.retry |= kinds
        shown = tuple(problems)
        self.state.fail(shown)
        self.report("\n".join(str(p) for p in shown) + f"\nrebuild failed "
                    f"({', '.join(sorted(kinds))}); serving the last good site")
        return False

    def _make_site(self, kinds: set[str]) -> tuple[LazySite, tuple[Problem, ...]]:
        """The new site for these change kinds; raises TimelineError on bad input."""
        if CONFIG in kinds:
            self.config = load_config(self.config.site_dir, self.config.config_file)
            self._store_ids(self._generation, self.cache, self.session.registry)
            if self._frozen:  # let the collector see the old site's objects again
                gc.unfreeze()
                self._frozen = False
            self._start_over()
        if THEME in kinds or self.theme is None:
            self.theme = load_theme(self.config)
            self.env = self.theme.environment()
        warnings: tuple[Problem, ...] = ()
        if kinds != {THEME} or self.timeline is None:
            timeline = build_timeline(self.config, self.cache,
                                      read_documents(self.config, self.memo),
                                      session=self.session,
                                      progress=self.progress if self.timeline is None else None)
            if any(p.severity == "error" for p in timeline.problems):
                raise BuildFailed(timeline.problems)
            self.timeline, warnings = timeline, timeline.problems
        site = LazySite(plan_site(self.timeline, self.config, self.theme, self.env))
        if kinds != {CONTENT} or not self.good:
            for path in probe_paths(site):
                site[path]
        return site, warnings

    def _submit(self, site: LazySite) -> None:
        with self._wake:
            self._generation += 1
            self._pending = (self._generation, site, self.cache, self.session.registry)
            self._wake.notify_all()

    def _write_loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                assert self._pending is not None
                (generation, site, cache, registry), self._pending = self._pending, None
                self._writing = True
                if self._wake.wait_for(lambda: self._pending is not None or self._closed,
                                       WRITE_AFTER):
                    self._writing = False
                    continue  # a newer site came meanwhile
            self._resume_collecting()
            try:
                if self._write(generation, site):
                    self._store_ids(generation, cache, registry)
            except Exception:  # our bug: keep serving
                log.exception("writing the site failed")
            finally:
                with self._wake:
                    self._writing = False
                    self._wake.notify_all()

    def _write(self, generation: int, site: LazySite) -> bool:
        """Render every page of ``site`` and write output/; False if it was given up."""
        switch = sys.getswitchinterval()
        sys.setswitchinterval(min(switch, WRITER_SWITCH))
        try:
            files = site.render_all(stop=self._stop_writing)
        except TimelineError as exc:  # a page of the new site cannot be rendered
            with self._wake:
                if generation == self._generation:
                    self.retry.add(THEME)
                    self.state.publish(self.good, exc.problems)
                    self.report("\n".join(str(p) for p in exc.problems) +
                                "\nrendering failed; serving the last good site")
            return False
        finally:
            sys.setswitchinterval(switch)
        if files is None:
            return False
        self.good = site
        try:
            write_site(files, self.config.output_dir)
        except TimelineError as exc:
            self.report("\n".join(str(p) for p in exc.problems))
        return True

    def _store_ids(self, generation: int, cache: ExtractionCache,
                   registry: dict[str, str] | None) -> None:
        """Remember the event ids of the newest site in the cache, as ``timeline build``
        does: the ids a later build gives are those this site shows."""
        with self._ids_lock:
            if registry is not None and generation == self._generation:
                cache.store_ids(registry)

    def _stop_writing(self) -> bool:
        """Whether the writer should give up its site; it first waits while a rebuild runs
        or waits to run, or pages are being answered, so that none shares the CPU with it."""
        while (self.state.serving or self.state.building or (
                self._debouncer is not None and self._debouncer.waiting())) and \
                self._pending is None and not self._closed:
            time.sleep(0.005)
        return self._pending is not None or self._closed

    def wait_written(self, timeout: float = 60.0) -> bool:
        """Wait until output/ holds the newest site (for tests and benchmarks)."""
        with self._wake:
            return self._wake.wait_for(lambda: self._pending is None and not self._writing,
                                       timeout)

    def watch(self, debouncer: Debouncer, poll: bool = False) -> Any:
        """Start watching content/, themes/ and timeline.toml; return the observer."""
        self._observer = PollingObserver(timeout=0.25) if poll else Observer()
        self._debouncer = debouncer
        self._handler = ChangeHandler(lambda: self.config, debouncer)
        # The site folder itself, not recursively: timeline.toml, and themes/ or content/
        # appearing (then watched by _sync_watches after the rebuild they cause).
        self._observer.schedule(self._handler, str(self.config.site_dir), recursive=False)
        self._sync_watches()
        self._observer.start()
        return self._observer

    def _sync_watches(self) -> None:
        """Watch the content and theme folders of the current config, as they now exist."""
        if self._observer is None:
            return
        wanted = {d for d in (self.config.content_dir, self.config.site_themes_dir)
                  if d.is_dir() and d != self.config.site_dir}
        for folder in set(self._watched) - wanted:
            self._observer.unschedule(self._watched.pop(folder))
        for folder in wanted - set(self._watched):
            try:
                self._watched[folder] = self._observer.schedule(self._handler, str(folder),
                                                                recursive=True)
            except OSError as exc:
                self.report(f"cannot watch {folder}: {exc}")

    def close(self, timeout: float = 5.0) -> None:
        """Stop watching; let a write of output/ that is under way finish."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        self._writer.join(timeout)
        self._store_ids(self._generation, self.cache, self.session.registry)
        self._resume_collecting()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


def make_handler(state: SiteState) -> type[BaseHTTPRequestHandler]:
    """A request handler class that answers from ``state`` only (never from the disk)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "timeline-serve"

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            answer = handle(state, self.path)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return Handler


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = False, poll: bool = False,
          report: Callable[[str], None] | None = None, delay: float = 0.05,
          progress: Progress | None = None) -> None:
    """Build, serve on host:port, rebuild on changes, until interrupted (Ctrl-C)."""
    server = DevServer(config, report, progress)
    try:
        httpd = ThreadingHTTPServer((host, port), make_handler(server.state))
    except OSError:
        server.close()
        raise
    httpd.daemon_threads = True
    try:
        server.rebuild()
        server.watch(Debouncer(server.rebuild, delay), poll)
        url = f"http://{host}:{httpd.server_address[1]}/"
        server.report(f"serving {config.site_dir} at {url} (Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(url)
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        server.report("stopped")
    finally:
        httpd.server_close()
        server.close()
