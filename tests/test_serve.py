"""The dev server without sockets: requests answered from memory, the reload protocol,
failed rebuilds, change kinds and debouncing."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from timeline.build import build, make_cache
from timeline.config import load_config
from timeline.errors import problem
from timeline.livereload import (
    RELOAD_PATH,
    LazySite,
    SiteState,
    content_type,
    handle,
    site_path,
)
from timeline.serve import (
    CONFIG,
    CONTENT,
    THEME,
    ChangeHandler,
    Debouncer,
    DevServer,
    change_kind,
    serve,
)

ARTICLE = "---\ntitle: Harbour\npublished: 2024-03-05\n---\nThe harbour reopened on Monday.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    (root / "output").mkdir()
    (root / "output" / "CNAME").write_text("news.example.org\n")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[DevServer]:
    dev = DevServer(load_config(site), report=lambda message: None)
    assert dev.rebuild()
    yield dev
    dev.close()


def test_the_collector_waits_for_the_writer(site: Path) -> None:
    """A rebuild keeps the garbage collector off until the writer starts (after the pages
    reloaded), and a failed one, which gives the writer nothing, turns it on at once."""
    assert gc.isenabled()
    dev = DevServer(load_config(site), report=lambda message: None)
    try:
        assert dev.rebuild()
        assert not gc.isenabled(), "a collection could delay the reload"
        assert dev.wait_written()
        assert gc.isenabled()
        (site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n",
                                                      encoding="utf-8")
        assert not dev.rebuild({CONTENT})
        assert gc.isenabled()
    finally:
        dev.close()
    assert gc.isenabled()


def test_pages_come_from_memory_with_the_reload_script(server: DevServer) -> None:
    answer = handle(server.state, "/")
    assert answer.status == 200
    assert dict(answer.headers)["Content-Type"] == "text/html; charset=utf-8"
    assert b"The harbour reopened" in answer.body
    assert RELOAD_PATH.encode() in answer.body
    assert b"timeline-build-errors" not in answer.body


def test_output_is_what_timeline_build_writes(server: DevServer, site: Path,
                                              tmp_path: Path) -> None:
    """The reload script is only added when serving: output/ is byte-identical to a build."""
    config = load_config(site, output_dir=str(tmp_path / "built"))
    build(config, cache=make_cache(config, use_disk=False))
    assert server.wait_written()
    served = {p.relative_to(site / "output").as_posix(): p.read_bytes()
              for p in (site / "output").rglob("*") if p.is_file()}
    built = {p.relative_to(tmp_path / "built").as_posix(): p.read_bytes()
             for p in (tmp_path / "built").rglob("*") if p.is_file()}
    assert served.pop("CNAME") == b"news.example.org\n"  # the user's file survives
    assert served == built
    assert all(RELOAD_PATH.encode() not in data for data in served.values())


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml",
    "/static/..%2f..%2fcontent/harbour.md", "/content/harbour.md", "//etc/passwd",
    "/%00", "/static/%5c..%5c", "/.timeline-cache/ids.json", "/%ff%fe", "/output/CNAME",
    "/etc/passwd", "http://127.0.0.1/../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/index.html%00.css", "/%2fetc%2fpasswd", "/..\\pyproject.toml"])
def test_nothing_outside_the_built_site(server: DevServer, path: str) -> None:
    answer = handle(server.state, path)
    assert answer.status == 404
    assert answer.body.startswith(server.state.files["404.html"].split(b"</body>")[0])
    assert b"[project]" not in answer.body and b"root:" not in answer.body


def test_site_path_rules() -> None:
    assert site_path("/") == "index.html"
    assert site_path("/events/abc/") == "events/abc/index.html"
    assert site_path("/sources/a%20b%23c/") == "sources/a b#c/index.html"
    assert site_path("/a/../b") is None
    assert site_path("/%2E%2E/x") is None
    assert site_path("relative") is None


def test_folder_without_slash_redirects_and_unknown_is_the_404_page(server: DevServer) -> None:
    answer = handle(server.state, "/key")
    assert answer.status == 301 and dict(answer.headers)["Location"] == "/key/"
    event = next(k for k in server.state.files if k.startswith("events/"))
    plain = handle(server.state, "/" + event.removesuffix(".html"))  # as GitHub Pages does
    assert plain.status == 200 and plain.body == handle(server.state, "/" + event).body
    missing = handle(server.state, "/no/such/page")
    assert missing.status == 404
    assert missing.body.startswith(server.state.files["404.html"].split(b"</body>")[0])


def test_content_types() -> None:
    assert content_type("static/style.css") == "text/css; charset=utf-8"
    assert content_type("static/timeline.js") in ("text/javascript; charset=utf-8",
                                                  "application/javascript; charset=utf-8")
    assert content_type("events.json") == "application/json; charset=utf-8"
    assert content_type("a/b.png") == "image/png"


def test_long_poll_answers_at_once_when_behind_and_waits_when_current() -> None:
    state = SiteState()
    state.publish({"index.html": b"<html><body></body></html>"})
    behind = handle(state, f"{RELOAD_PATH}?epoch=0", poll_seconds=5)
    assert json.loads(behind.body) == {"epoch": 1}
    started = time.monotonic()
    same = handle(state, f"{RELOAD_PATH}?epoch=1", poll_seconds=0.2)
    assert json.loads(same.body) == {"epoch": 1}
    assert time.monotonic() - started >= 0.19
    # a build finishing while a page waits wakes it up
    threading.Timer(0.1, state.publish, args=({"index.html": b"x"},)).start()
    woken = handle(state, f"{RELOAD_PATH}?epoch=1", poll_seconds=5)
    assert json.loads(woken.body) == {"epoch": 2}


def test_a_request_during_a_rebuild_waits_for_it() -> None:
    state = SiteState()
    state.publish({"index.html": b"<body>old</body>"})
    state.begin()
    threading.Timer(0.15, state.publish, args=({"index.html": b"<body>new</body>"},)).start()
    answer = handle(state, "/")
    assert answer.body.startswith(b"<body>new")


def test_failed_rebuild_keeps_the_last_good_site_and_shows_the_overlay(
        server: DevServer, site: Path) -> None:
    good = dict(server.state.files)
    (site / "content" / "harbour.md").write_text("---\ntitle: [broken\n---\nText.\n")
    assert not server.rebuild({CONTENT})
    assert server.state.files == good
    page = handle(server.state, "/").body
    assert b"timeline-build-errors" in page
    assert b"content/harbour.md:" in page
    assert b"The harbour reopened" in page  # the last good site under the overlay
    (site / "content" / "harbour.md").write_text(ARTICLE.replace("harbour", "bridge"))
    assert server.rebuild({CONTENT})
    page = handle(server.state, "/").body
    assert b"timeline-build-errors" not in page
    assert b"The bridge reopened" in page


def test_overlay_escapes_problem_text() -> None:
    state = SiteState()
    state.publish({"index.html": b"<body></body>"})
    state.fail([problem(Path("content/<x>.md"), 1, "<script>alert(1)</script>")])
    page = handle(state, "/").body
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;" in page


def test_edit_re_extracts_only_that_article(server: DevServer, site: Path) -> None:
    (site / "content" / "second.md").write_text(ARTICLE.replace("harbour", "ferry"))
    hits, misses = server.cache.hits, server.cache.misses
    assert server.rebuild({CONTENT})
    assert (server.cache.hits - hits, server.cache.misses - misses) == (1, 1)
    assert any(b"The ferry reopened" in v for v in server.state.files.values())
    (site / "content" / "second.md").unlink()
    assert server.rebuild({CONTENT})
    assert not any(b"The ferry reopened" in v for v in server.state.files.values())
    assert server.wait_written()
    assert not (site / "output" / "sources" / "second").exists()


def test_theme_edit_renders_without_extracting(server: DevServer, site: Path) -> None:
    theme = site / "themes" / "default"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text("<!doctype html><body>custom not found</body>")
    hits, misses = server.cache.hits, server.cache.misses
    assert server.rebuild({THEME})
    assert (server.cache.hits, server.cache.misses) == (hits, misses)
    assert b"custom not found" in handle(server.state, "/nope").body


def test_config_edit_rebuilds_everything(server: DevServer, site: Path) -> None:
    (site / "timeline.toml").write_text('title = "Harbour watch"\n')
    assert server.rebuild({CONFIG})
    assert b"Harbour watch" in handle(server.state, "/").body
    (site / "timeline.toml").write_text('title = 3\n')
    assert not server.rebuild({CONFIG})
    assert b"timeline.toml:1" in handle(server.state, "/").body


def test_change_kinds(site: Path) -> None:
    config = load_config(site)
    assert change_kind(site / "content" / "a.md", config) == CONTENT
    assert change_kind(site / "content" / "sub", config) == CONTENT  # a folder removed
    assert change_kind(site / "content" / "a.png", config) is None
    assert change_kind(site / "content" / ".a.md.swp", config) is None
    assert change_kind(site / "themes" / "default" / "base.html", config) == THEME
    assert change_kind(site / "timeline.toml", config) == CONFIG
    assert change_kind(site / "output" / "index.html", config) is None
    assert change_kind(site / ".timeline-cache" / "x.json", config) is None


def test_debouncer_folds_a_burst_into_one_rebuild() -> None:
    calls: list[set[str]] = []
    done = threading.Event()

    def act(kinds: set[str]) -> None:
        calls.append(kinds)
        done.set()

    debouncer = Debouncer(act, delay=0.05)
    for _ in range(20):
        debouncer.add(CONTENT)
    debouncer.add(THEME)
    assert done.wait(2)
    time.sleep(0.1)
    assert calls == [{CONTENT, THEME}]


def test_pages_are_rendered_when_asked_for_and_once() -> None:
    calls: list[str] = []

    def make(name: str) -> Any:
        return lambda: calls.append(name) or f"<body>{name}</body>".encode()

    site = LazySite({"index.html": make("index"), "a/index.html": make("a")})
    assert "a/index.html" in site and "b" not in site and len(site) == 2
    assert calls == []
    assert handle_body(site, "/a/") == b"<body>a"
    assert handle_body(site, "/a/") == b"<body>a"
    assert calls == ["a"]
    assert site.render_all() == {"index.html": b"<body>index</body>",
                                 "a/index.html": b"<body>a</body>"}
    assert calls == ["a", "index"]
    assert LazySite({"x": make("x")}).render_all(stop=lambda: True) is None


def handle_body(files: LazySite, path: str) -> bytes:
    state = SiteState()
    state.publish(files)
    return handle(state, path).body.split(b"<script")[0]


def test_unchanged_files_are_not_read_again(server: DevServer, site: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import timeline.build

    (site / "content" / "second.md").write_text(ARTICLE.replace("harbour", "ferry"))
    for path in (site / "content").iterdir():
        os.utime(path, (time.time() - 3600, time.time() - 3600))  # not "racy"
    assert server.rebuild({CONTENT})
    read: list[str] = []
    original = timeline.build.read_document

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        read.append(path.name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(timeline.build, "read_document", counting)
    assert server.rebuild({CONTENT})
    assert read == []
    (site / "content" / "second.md").write_text(ARTICLE.replace("harbour", "canal"))
    assert server.rebuild({CONTENT})
    assert read == ["second.md"]
    assert b"The canal reopened" in handle(server.state, "/sources/second.html").body


def test_a_failed_config_is_not_forgotten_by_a_theme_edit(server: DevServer, site: Path) -> None:
    (site / "timeline.toml").write_text("title = 3\n")
    assert not server.rebuild({CONFIG})
    (site / "themes" / "default").mkdir(parents=True)
    assert not server.rebuild({THEME})  # timeline.toml is still broken
    assert b"timeline.toml:1" in handle(server.state, "/").body
    (site / "timeline.toml").write_text('title = "Fixed"\n')
    assert server.rebuild({CONTENT})
    page = handle(server.state, "/").body
    assert b"timeline-build-errors" not in page and b"Fixed" in page


def test_a_broken_template_keeps_the_last_good_site(server: DevServer, site: Path) -> None:
    theme = site / "themes" / "default"
    theme.mkdir(parents=True)
    (theme / "source.html").write_text("{% extends '!default/source.html' %}"
                                       "{% block timeline %}{{ doc.no_such_field }}{% endblock %}")
    good = handle(server.state, "/sources/harbour.html").body
    assert not server.rebuild({THEME})
    page = handle(server.state, "/sources/harbour.html").body
    assert b"timeline-build-errors" in page and b"no_such_field" in page
    assert page.split(b"<div id=\"timeline-build-errors\"")[0] == good.split(b"<script>")[0]
    (theme / "source.html").unlink()
    assert server.rebuild({THEME})
    assert b"timeline-build-errors" not in handle(server.state, "/sources/harbour.html").body


def test_a_page_that_fails_later_brings_back_the_last_good_site(server: DevServer,
                                                                 site: Path) -> None:
    """Content edits publish before every page is rendered; a page that then fails puts the
    last good site back, with its problem shown."""
    theme = site / "themes" / "default"
    theme.mkdir(parents=True)
    (theme / "source.html").write_text(
        "{% extends '!default/source.html' %}{% block timeline %}{% if doc.title == 'Boom' %}"
        "{{ doc.no_such_field }}{% endif %}{{ super() }}{% endblock %}")
    assert server.rebuild({THEME})
    assert server.wait_written()
    (site / "content" / "boom.md").write_text(ARTICLE.replace("Harbour", "Boom"))
    assert server.rebuild({CONTENT})
    answer = handle(server.state, "/sources/boom.html")
    assert answer.status == 500 and b"no_such_field" in answer.body
    assert server.wait_written()
    assert "sources/boom.html" not in server.state.files
    assert b"no_such_field" in handle(server.state, "/").body
    assert not (site / "output" / "sources" / "boom").exists()
    (site / "content" / "boom.md").unlink()
    assert server.rebuild({CONTENT})
    assert b"timeline-build-errors" not in handle(server.state, "/").body


def test_watchdog_events_become_change_kinds(site: Path) -> None:
    from watchdog.events import DirDeletedEvent, FileModifiedEvent, FileMovedEvent

    config = load_config(site)
    seen: list[set[str]] = []
    debouncer = Debouncer(seen.append, delay=10)  # flushed by hand below
    handler = ChangeHandler(lambda: config, debouncer)
    content = site / "content"
    handler.dispatch(FileMovedEvent(str(content / ".a.md.tmp"), str(content / "a.md")))
    handler.dispatch(FileModifiedEvent(str(site / "output" / "index.html")))
    debouncer.flush()
    handler.dispatch(FileModifiedEvent(str(site / "themes" / "default" / "base.html")))
    handler.dispatch(DirDeletedEvent(str(content / "old")))
    handler.dispatch(FileModifiedEvent(str(site / "timeline.toml")))
    debouncer.flush()
    assert seen == [{CONTENT}, {THEME, CONTENT, CONFIG}]


def test_bursts_apart_make_separate_rebuilds() -> None:
    calls: list[set[str]] = []
    debouncer = Debouncer(calls.append, delay=0.03)
    debouncer.add(CONTENT)
    time.sleep(0.15)
    debouncer.add(THEME)
    time.sleep(0.15)
    assert calls == [{CONTENT}, {THEME}]


def test_cancel_drops_pending_changes_and_ends_the_timer() -> None:
    calls: list[set[str]] = []
    debouncer = Debouncer(calls.append, delay=10)
    debouncer.add(CONTENT)
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    assert timers and debouncer.waiting()
    debouncer.cancel()
    assert not any(t.is_alive() for t in timers) and not debouncer.waiting()
    debouncer.flush()
    assert calls == []


def test_new_theme_folder_is_watched(server: DevServer, site: Path) -> None:
    kinds: list[set[str]] = []
    debouncer = Debouncer(kinds.append, delay=10)
    server.watch(debouncer)
    assert set(server._watched) == {site / "content"}
    (site / "themes" / "default").mkdir(parents=True)
    assert server.rebuild({THEME})
    assert set(server._watched) == {site / "content", site / "themes"}
    debouncer.cancel()  # the new folder's event waits for 10 s: end its thread now


def test_ctrl_c_stops_cleanly(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from http.server import ThreadingHTTPServer

    from timeline import cli

    def interrupted(self: Any, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", interrupted)
    messages: list[str] = []
    serve(load_config(site), port=0, report=messages.append)
    assert messages[-1] == "stopped" and any("serving" in m for m in messages)
    assert cli.main(["serve", str(site), "--port", "0"]) == 0


def test_content_is_searched_again_only_when_a_folder_changed(
        server: DevServer, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import timeline.build

    (site / "content" / "2024").mkdir()
    (site / "content" / "2024" / "second.md").write_text(ARTICLE.replace("harbour", "ferry"))

    def age(minutes: int) -> None:
        for path in [site / "content", *(site / "content").rglob("*")]:
            os.utime(path, (time.time() - 60 * minutes, time.time() - 60 * minutes))

    age(60)
    assert server.rebuild({CONTENT})
    searches: list[Path] = []
    original = timeline.build.discover

    def counting(folder: Path, *args: Any) -> Any:
        searches.append(folder)
        return original(folder, *args)

    monkeypatch.setattr(timeline.build, "discover", counting)
    assert server.rebuild({CONTENT})
    assert searches == []
    (site / "content" / "2024" / "third.md").write_text(ARTICLE.replace("harbour", "canal"))
    age(50)  # a new file moves its folder's mtime
    assert server.rebuild({CONTENT})
    assert len(searches) == 1
    assert b"The canal reopened" in handle(server.state, "/sources/2024/third.html").body
    (site / "content" / "2024" / "second.md").unlink()
    age(40)
    assert server.rebuild({CONTENT})
    assert len(searches) == 2
    assert handle(server.state, "/sources/2024/second").status == 404


def test_edits_served_give_what_timeline_build_gives(tmp_path: Path) -> None:
    """Articles added, changed and removed one after another (the merge and the ids kept
    up to date in the dev server): its timeline is the one a fresh merge gives, and the
    output/ it writes is byte for byte what `timeline build` then writes."""
    import dataclasses
    import shutil
    from collections import Counter

    from timeline.build import build_timeline

    repo = Path(__file__).resolve().parent.parent
    site = tmp_path / "site"
    shutil.copytree(repo / "content", site / "content")
    dev = DevServer(load_config(site), report=lambda message: None)
    try:
        assert dev.rebuild()
        articles = sorted((site / "content").rglob("*.md"))
        first, second = articles[0], articles[1]
        edits = [
            lambda: first.write_text(first.read_text() + "\nThe same drills went on the "
                                     "next day, 5 August 2022, officials said.\n"),
            lambda: (site / "content" / "2022" / "copy.md").write_text(
                second.read_text().replace("title:", "title: Copy of")),
            lambda: second.write_text(second.read_text().replace("said", "stated", 1)),
            lambda: articles[2].unlink(),
            lambda: first.write_text(first.read_text().replace("5 August", "6 August")),
            lambda: first.write_text(first.read_text().replace("4 August", "3 August")),
        ]
        for edit in edits:
            edit()
            assert dev.rebuild({CONTENT})
            config = load_config(site)
            fresh = build_timeline(config, make_cache(config, use_disk=False))
            assert dev.timeline is not None
            # The same events; only their ids may differ (a build from scratch has no history).
            assert Counter(dataclasses.replace(e, id="") for e in dev.timeline.events) == \
                Counter(dataclasses.replace(e, id="") for e in fresh.events)
        assert dev.wait_written()
    finally:
        dev.close()
    config = load_config(site, output_dir=str(tmp_path / "built"))
    build(config, cache=make_cache(config))
    served = {p.relative_to(site / "output").as_posix(): p.read_bytes()
              for p in (site / "output").rglob("*") if p.is_file()}
    built = {p.relative_to(tmp_path / "built").as_posix(): p.read_bytes()
             for p in (tmp_path / "built").rglob("*") if p.is_file()}
    assert served == built


def test_the_first_build_reports_its_progress_and_rebuilds_do_not(site: Path) -> None:
    """`timeline serve` shows a bar while its first build extracts every article; a rebuild
    after an edit extracts one, and draws nothing over the server's messages."""
    seen: list[tuple[str, int, int]] = []
    dev = DevServer(load_config(site), report=lambda message: None,
                    progress=lambda *at: seen.append(at))
    try:
        assert dev.rebuild()
        assert ("extracting", 1, 1) in seen and ("merging", 0, 1) in seen
        first = len(seen)
        (site / "content" / "second.md").write_text(ARTICLE.replace("harbour", "ferry"))
        assert dev.rebuild({"content"})
        assert dev.timeline is not None and len(dev.timeline.events) == 2
        assert len(seen) == first
    finally:
        dev.close()
