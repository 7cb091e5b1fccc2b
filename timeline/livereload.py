"""The dev server's protocol, without sockets: which bytes answer which request path.

The site lives in memory (a SiteFiles mapping, such as a LazySite that renders each page
when first asked for) inside a SiteState, with an epoch that grows on every finished
build. A page asks ``/__timeline__/livereload?epoch=N`` and the answer waits until the
epoch differs from N (a long poll, standard library only); the page then reloads itself.
The reload script and the error overlay are added to HTML responses here, never to the
files written to output/.
"""

from __future__ import annotations

import html
import json
import mimetypes
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from timeline.errors import Problem, TimelineError
from timeline.urls import KEY_EVENTS_PATH

RELOAD_PATH = "/__timeline__/livereload"
POLL_SECONDS = 25.0
"""How long one long poll waits before answering "no change"."""

SiteFiles = Mapping[str, bytes]

_SCRIPT = """<script>(function () {
  var epoch = %d;
  function poll() {
    fetch("%s?epoch=" + epoch, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.epoch !== epoch) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();</script>
"""
_OVERLAY = """<div id="timeline-build-errors" role="alert" style="position:fixed;inset:0 0 auto 0;\
max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;\
background:#3b0a0a;color:#fff;font:14px/1.5 ui-monospace,monospace;\
box-shadow:0 4px 16px rgba(0,0,0,.5)"><strong>timeline: the last build failed; \
this is the last good site.</strong><pre style="white-space:pre-wrap;margin:.5rem 0 0">\
%s</pre></div>
"""


@dataclass(frozen=True, slots=True)
class Response:
    """What to send back: status, headers and body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class LazySite(Mapping[str, bytes]):
    """The files of one build, each rendered the first time it is asked for, then kept."""

    def __init__(self, plan: Mapping[str, Callable[[], bytes]]) -> None:
        self._plan = plan
        self._done: dict[str, bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        found = self._done.get(path)
        if found is None:
            found = self._done[path] = self._plan[path]()  # a dict store is atomic
        return found

    def __contains__(self, path: object) -> bool:
        return path in self._plan

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan)

    def __len__(self) -> int:
        return len(self._plan)

    def render_all(self, stop: Callable[[], bool] = lambda: False) -> dict[str, bytes] | None:
        """Every file (None when ``stop()`` turns true first); raises ThemeError."""
        files = {}
        for path in self._plan:
            if stop():
                return None
            files[path] = self[path]
        return files


def probe_paths(site: Mapping[str, bytes]) -> list[str]:
    """One page of each template (and the exports), rendered before a theme or config
    change is published, so that a template error keeps the last good site."""
    first = {p.split("/", 1)[0]: p for p in reversed(list(site)) if "/" in p}
    wanted = ["index.html", KEY_EVENTS_PATH, "404.html", "events.json", "feed.xml",
              first.get("events", ""), first.get("sources", "")]
    return [p for p in wanted if p in site]


class SiteState:
    """The last good site, the problems of the last build, and the build epoch."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.files: SiteFiles = {}
        self.problems: tuple[Problem, ...] = ()
        self.epoch = 0
        self.building = False
        self.serving = 0
        """Page requests being answered (the output writer waits for them; timeline.serve)."""

    def begin(self) -> None:
        """A rebuild starts: page requests wait for it."""
        with self._cond:
            self.building = True

    def publish(self, files: SiteFiles, problems: Sequence[Problem] = ()) -> None:
        """A rebuild succeeded: serve its files, clear the overlay, tell the pages.

        With ``problems``, the files are a good site served again under those problems
        (a page of the newer build could not be rendered)."""
        with self._cond:
            self.files, self.problems = files, tuple(problems)
            self._finish()

    def fail(self, problems: Sequence[Problem]) -> None:
        """A rebuild failed: keep the last good files, show the problems over them."""
        with self._cond:
            self.problems = tuple(problems)
            self._finish()

    def _finish(self) -> None:
        self.epoch += 1
        self.building = False
        self._cond.notify_all()

    def current(self, timeout: float = 30.0) -> tuple[SiteFiles, tuple[Problem, ...], int]:
        """The site as of the last finished build, waiting for one that is running."""
        with self._cond:
            self._cond.wait_for(lambda: not self.building, timeout)
            return self.files, self.problems, self.epoch

    def wait_for_change(self, epoch: int, timeout: float) -> int:
        """The epoch, once it differs from ``epoch`` (or after ``timeout`` seconds)."""
        with self._cond:
            self._cond.wait_for(lambda: self.epoch != epoch and not self.building, timeout)
            return self.epoch


def content_type(path: str) -> str:
    """The Content-Type for a site path."""
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".json"):
        kind = "application/json"
    if kind.startswith("text/") or kind in ("application/json", "application/javascript",
                                            "application/xml", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


def inject(page: bytes, epoch: int, problems: Sequence[Problem]) -> bytes:
    """The page with the reload script, and the error overlay when the last build failed."""
    extra = _SCRIPT % (epoch, RELOAD_PATH)
    if problems:
        extra = _OVERLAY % html.escape("\n".join(str(p) for p in problems)) + extra
    data = extra.encode("utf-8")
    at = page.rfind(b"</body>")
    if at < 0:
        return page + data
    view = memoryview(page)  # one copy of the page (an index page can be tens of MB)
    return b"".join((view[:at], data, view[at:]))


def site_path(raw: str) -> str | None:
    """The SiteFiles key a request path names, or None when it may not name one."""
    path = unquote(urlsplit(raw).path, errors="strict") if raw.startswith("/") else None
    if path is None or "\x00" in path or "\\" in path:
        return None
    parts = path.split("/")[1:]
    if any(part in (".", "..") for part in parts):
        return None
    rel = "/".join(parts)
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _response(status: int, body: bytes, kind: str, extra: tuple[tuple[str, str], ...] = ()
              ) -> Response:
    return Response(status, (("Content-Type", kind), ("Content-Length", str(len(body))),
                             ("Cache-Control", "no-store"), *extra), body)


def handle(state: SiteState, raw_path: str, poll_seconds: float = POLL_SECONDS) -> Response:
    """Answer one GET request for ``raw_path`` (path and query, as the client sent it)."""
    if urlsplit(raw_path).path == RELOAD_PATH:
        query = parse_qs(urlsplit(raw_path).query)
        try:
            seen = int(query.get("epoch", ["-1"])[0])
        except ValueError:
            seen = -1
        epoch = state.wait_for_change(seen, poll_seconds)
        return _response(200, json.dumps({"epoch": epoch}).encode(), "application/json")
    files, problems, epoch = state.current()
    with state._cond:
        state.serving += 1
    try:
        return _answer(files, problems, epoch, raw_path)
    except TimelineError as exc:  # a page rendered on demand failed (timeline.serve)
        page = b"<!doctype html><title>Build error</title><body></body>"
        return _response(500, inject(page, epoch, (*problems, *exc.problems)),
                         "text/html; charset=utf-8")
    finally:
        with state._cond:
            state.serving -= 1


def _answer(files: SiteFiles, problems: tuple[Problem, ...], epoch: int, raw_path: str
            ) -> Response:
    try:
        rel = site_path(raw_path)
    except UnicodeDecodeError:
        rel = None
    if rel is not None and rel not in files:
        if rel + "/index.html" in files:
            location = urlsplit(raw_path).path + "/"
            return _response(301, b"", "text/plain", (("Location", location),))
        if rel + ".html" in files:  # an extensionless URL, as GitHub Pages and Netlify serve
            rel += ".html"
    if rel is None or rel not in files:
        page = files.get("404.html", b"<!doctype html><title>Not found</title><h1>Not found</h1>")
        return _response(404, inject(page, epoch, problems), "text/html; charset=utf-8")
    body = files[rel]
    kind = content_type(rel)
    if kind.startswith("text/html"):
        body = inject(body, epoch, problems)
    return _response(200, body, kind)
