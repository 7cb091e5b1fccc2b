"""``timeline serve``: build, serve from memory, rebuild on every change, reload the pages.

Changes are sorted by kind, and each kind redoes only what it must (Zola's rule):
an article changed -> read everything again, extract only that article (the others come
from the in-memory extraction cache), merge and render; a template changed -> render the
last timeline again, no extraction; timeline.toml changed -> start over. Bursts of file
events (an editor's atomic save, a git checkout) are debounced into one rebuild.
"""

from __future__ import annotations

import logging
import threading
import webbrowser
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from timeline.build import build, make_cache
from timeline.config import CONFIG_NAME, Config, load_config
from timeline.documents import EXTENSIONS
from timeline.errors import TimelineError
from timeline.livereload import SiteState, handle
from timeline.model import Timeline
from timeline.output import write_site
from timeline.render import render_site
from timeline.theme import load_theme

log = logging.getLogger(__name__)

CONTENT, THEME, CONFIG = "content", "theme", "config"


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

    def flush(self) -> None:
        """Run a pending rebuild now (for tests)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        self._fire()


class DevServer:
    """The site in memory, rebuilt by change kind."""

    def __init__(self, config: Config, report: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.state = SiteState()
        self.cache = make_cache(config)
        self.timeline: Timeline | None = None
        self.report = report or log.info

    def rebuild(self, kinds: Iterable[str] = (CONFIG,)) -> bool:
        """Rebuild for these change kinds; True on success. Never raises on bad input."""
        kinds = set(kinds)
        self.state.begin()
        try:
            if CONFIG in kinds:
                self.config = load_config(self.config.site_dir, self.config.config_file)
                self.cache = make_cache(self.config)
            if kinds == {THEME} and self.timeline is not None:
                files = render_site(self.timeline, self.config, load_theme(self.config))
                warnings: tuple[Any, ...] = ()
            else:
                built = build(self.config, cache=self.cache, write=False)
                self.timeline, files, warnings = built.timeline, built.files, built.warnings
            self.state.publish(files)
        except TimelineError as exc:
            self.state.fail(exc.problems)
            self.report("\n".join(str(p) for p in exc.problems) +
                        f"\nrebuild failed ({', '.join(sorted(kinds))}); serving the last good "
                        "site")
            return False
        for p in warnings:
            self.report(str(p))
        try:
            write_site(files, self.config.output_dir)
        except TimelineError as exc:
            self.report("\n".join(str(p) for p in exc.problems))
        assert self.timeline is not None
        self.report(f"rebuilt ({', '.join(sorted(kinds))}): {len(self.timeline.events)} events "
                    f"from {len(self.timeline.documents)} documents")
        return True

    def watch(self, debouncer: Debouncer, poll: bool = False) -> Any:
        """Start watching content/, themes/ and timeline.toml; return the observer."""
        config = self.config

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                for raw in (event.src_path, getattr(event, "dest_path", "")):
                    if raw:
                        kind = change_kind(Path(str(raw)), config)
                        if kind is not None:
                            debouncer.add(kind)

        observer = PollingObserver(timeout=0.25) if poll else Observer()
        handler = Handler()
        observer.schedule(handler, str(config.site_dir), recursive=False)
        for folder in (config.content_dir, config.site_themes_dir):
            if folder.is_dir():
                observer.schedule(handler, str(folder), recursive=True)
        observer.start()
        return observer


def make_handler(state: SiteState) -> type[BaseHTTPRequestHandler]:
    """A request handler class that answers from ``state`` only (never from the disk)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "timeline-serve"

        def do_GET(self) -> None:
            answer = handle(state, self.path)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def do_HEAD(self) -> None:
            answer = handle(state, self.path)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return Handler


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = False, poll: bool = False,
          report: Callable[[str], None] | None = None) -> None:
    """Build, serve on host:port, rebuild on changes, until interrupted."""
    server = DevServer(config, report)
    server.rebuild()
    debouncer = Debouncer(server.rebuild)
    observer = server.watch(debouncer, poll)
    httpd = ThreadingHTTPServer((host, port), make_handler(server.state))
    httpd.daemon_threads = True
    url = f"http://{host}:{httpd.server_address[1]}/"
    server.report(f"serving {config.site_dir} at {url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        httpd.server_close()
        observer.join(timeout=2)
