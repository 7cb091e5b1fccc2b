"""The built site in headless Chromium: from file:// and from a subpath server, with no console
error, failed or outside request; filters and search; axe-core finds no WCAG 2.1 AA violation
in light and dark; TimelineJS3 loads timelinejs.json; screenshots at 1280 and 375 px.

axe-core and TimelineJS3 come from node_modules (``npm install`` in the repository root);
without them those tests skip."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from timeline.build import build, make_cache
from timeline.config import load_config

REPO = Path(__file__).resolve().parents[2]
NODE = REPO / "node_modules"
AXE = NODE / "axe-core" / "axe.min.js"
TLJS = NODE / "@knight-lab" / "timelinejs" / "dist"
SHARED_DEVSET = REPO.parent / "shared" / "devset" / "content"
SITE_URL = "https://example.org/sub/"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _build(content: Path, site: Path, out: Path) -> Path:
    shutil.copytree(content, site / "content")
    if content == REPO / "content":
        shutil.copy(REPO / "timeline.toml", site / "timeline.toml")
    config = load_config(site, output_dir=str(out), site_url=SITE_URL)
    build(config, cache=make_cache(config, use_disk=False))
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _http(folder: Path) -> Iterator[str]:
    """``folder`` served over http while the block runs; yields its URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module", params=["example", "devset"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Path, str]]:
    """(output folder, its http URL): the site sits at /sub/ of a server for a parent folder."""
    if request.param == "devset" and not SHARED_DEVSET.is_dir():
        pytest.skip("../shared/devset is not here (only developers have it)")
    content = REPO / "content" if request.param == "example" else SHARED_DEVSET
    folder = tmp_path_factory.mktemp(request.param)
    root = folder / "www"
    out = _build(content, folder / "site", root / "sub")
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield out, f"http://127.0.0.1:{httpd.server_address[1]}/sub/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _events(out: Path) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads((out / "events.json").read_text())["events"]
    return events


def _pages(out: Path) -> dict[str, str]:
    """An index, an event, a source and the key-events page (file paths under the site)."""
    event = _events(out)[0]
    return {"index": "index.html", "event": f"events/{event['id']}.html",
            "source": f"sources/{event['sources'][0]['document']}.html", "key": "key/index.html"}


def _watch_requests(page: Any) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    return requests


@pytest.mark.parametrize("how", ["file", "http"])
def test_pages_load_cleanly(page: Any, served: tuple[Path, str], how: str) -> None:
    out, base = served
    requests = _watch_requests(page)
    for name, path in _pages(out).items():
        url = (out / path).as_uri() if how == "file" else base + path
        response = page.goto(url)
        assert response is None or response.ok, url
        page.wait_for_load_state("networkidle")  # the icon too, before the next page
        assert page.locator("main#main").count() == 1, name
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"  # CSS loaded
    prefix = out.as_uri() if how == "file" else base
    assert page.console_errors == []
    assert page.failed_requests == []
    assert requests and all(r.startswith(prefix) for r in requests), \
        [r for r in requests if not r.startswith(prefix)]


def test_links_between_pages_work_from_disk(page: Any, served: tuple[Path, str]) -> None:
    """Opened from file://, a link to a folder would show its listing: every link between
    pages names its index.html, so a reader can click through the site on disk."""
    out, _ = served
    event = _events(out)[0]
    page.goto((out / "index.html").as_uri())
    page.locator(f"#e-{event['id']} h4.title a").click()
    page.wait_for_load_state("load")
    assert page.url == (out / "events" / f"{event['id']}.html").as_uri()
    assert page.locator("h1").inner_text() == event["title"]
    page.locator("nav.crumbs a").click()
    page.wait_for_load_state("load")
    assert page.url == (out / "index.html").as_uri() + f"#e-{event['id']}"
    page.locator(f"#e-{event['id']} p.source a").first.click()
    page.wait_for_load_state("load")
    cited = event["sources"][0]
    assert page.url == (out / "sources" / f"{cited['document']}.html").as_uri() + \
        f"#s{cited['sentence'] + 1}"
    assert "Index of" not in page.title()
    page.locator("nav.site-nav a", has_text="Key events").click()
    page.wait_for_load_state("load")
    assert page.url == (out / "key" / "index.html").as_uri()
    assert page.console_errors == []


def test_every_event_is_in_the_html_without_javascript(browser: Any,
                                                       served: tuple[Path, str]) -> None:
    out, base = served
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base)
        assert page.locator("li.event").count() == len(_events(out))
        assert page.locator("li.event .when time[datetime]").count() == sum(
            1 for e in _events(out) if e["date"])
        assert page.locator("#controls").is_hidden()
        assert page.locator("a.skip[href='#main']").count() == 1
    finally:
        context.close()


def _shown(page: Any) -> int:
    return int(page.evaluate(
        "document.querySelectorAll('#timeline li.event:not([hidden])').length"))


def test_filters_search_order_and_keys(page: Any, served: tuple[Path, str]) -> None:
    out, base = served
    events = _events(out)
    page.goto(base)
    total = len(events)
    assert _shown(page) == total

    outlet = page.locator("#controls select").nth(0)
    options = outlet.locator("option").all_inner_texts()[1:]
    assert options
    outlet.select_option(options[0])
    shown = _shown(page)
    assert 0 < shown <= total
    sources = page.eval_on_selector_all("#timeline li.event:not([hidden])",
                                        "els => els.map(e => e.dataset.sources.split('|'))")
    assert all(options[0] in s for s in sources)
    outlet.select_option("")
    assert _shown(page) == total

    year_select = page.locator("#controls select").nth(2)
    dated = [e for e in events if e["date"]]
    year = dated[0]["date"]["start"][:4]
    year_select.select_option(year)
    assert _shown(page) == sum(1 for e in dated if e["date"]["start"][:4] == year)
    year_select.select_option("")

    # the search reads titles and quotes: a rare word of one quote finds that event
    target = events[len(events) // 2]
    words = [w.strip(".,;:“”\"'()") for w in target["sources"][0]["quote"].split()]
    word = max(words, key=len)
    page.locator("#controls input[type=search]").fill(word)
    assert page.locator(f"#e-{target['id']}").is_visible()
    assert 0 < _shown(page) <= total
    page.locator("#controls input[type=search]").fill("zzqx-no-such-word")
    assert _shown(page) == 0
    assert "No event matches" in page.locator("#controls .status").inner_text()
    page.locator("#controls input[type=search]").fill("")

    page.locator("#controls input[type=checkbox]").check()
    assert _shown(page) == sum(1 for e in events if e["salience"] >= 2)
    page.locator("#controls input[type=checkbox]").uncheck()

    first = page.eval_on_selector("#timeline li.event", "e => e.id")
    toggle = page.get_by_role("button", name="Newest first")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.eval_on_selector("#timeline li.event", "e => e.id") != first
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.eval_on_selector("#timeline li.event", "e => e.id") == first

    page.locator("h1").click()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == first
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.id")
    assert second != first and second.startswith("e-")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == first
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag21_aa_violations(page: Any, served: tuple[Path, str],
                                           scheme: str) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (run npm install in the repository root)")
    out, base = served
    page.emulate_media(color_scheme=scheme)
    found = {}
    for name, path in _pages(out).items():
        page.goto(base + path)
        result = _axe(page)
        found[name] = [(v["id"], [n["target"] for n in v["nodes"][:3]])
                       for v in result["violations"]]
        assert result["passes"], name  # axe ran and checked something
    assert found == {name: [] for name in found}


def test_timelinejs3_shows_every_event(page: Any, served: tuple[Path, str],
                                       artifacts: Path) -> None:
    if not (TLJS / "js" / "timeline.js").is_file():
        pytest.skip("@knight-lab/timelinejs is not installed (run npm install)")
    out, base = served
    www = out.parent
    # the whole dist: TimelineJS loads its font css and icons relative to script_path
    shutil.copytree(TLJS, www / "tljs", dirs_exist_ok=True)
    (www / "tljs" / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>TimelineJS</title>"
        "<link rel='icon' href='data:,'><link rel='stylesheet' href='css/timeline.css'>"
        "<script src='js/timeline.js'></script></head>"
        "<body><div id='tl' style='width:1200px;height:700px'></div><script>"
        "window.tl = new TL.Timeline('tl', '../sub/timelinejs.json',"
        " {hash_bookmark: false, font: null, script_path: new URL('js/', location.href).href,"
        " language: 'en'});"
        "window.tl.on('loaded', function () { window.tlLoaded = true; });"
        "</script></body></html>", encoding="utf-8")
    requests = _watch_requests(page)
    page.goto(base.replace("/sub/", "/tljs/"))
    page.wait_for_function("window.tlLoaded === true", timeout=20_000)
    data = json.loads((out / "timelinejs.json").read_text())
    dated = sum(1 for e in _events(out) if e["date"])
    assert len(data["events"]) == dated
    assert page.evaluate("window.tl.config.events.length") == dated
    assert page.locator(".tl-timemarker").count() == dated
    assert page.locator(".tl-slide").count() == dated + 1  # and the title slide
    headline = page.locator(".tl-slide-titleslide .tl-headline-title, "
                            ".tl-slide-titleslide h2").first.inner_text()
    assert headline.strip()
    assert page.console_errors == []
    assert page.failed_requests == []
    origin = base.replace("/sub/", "/")
    assert all(r.startswith((origin, "data:")) for r in requests), requests
    page.screenshot(path=str(artifacts / f"{_name(out)}-timelinejs.png"))


def _name(out: Path) -> str:
    return out.parent.parent.name.rstrip("0123456789")


def test_screenshots_and_narrow_screens(page: Any, served: tuple[Path, str],
                                        artifacts: Path) -> None:
    out, base = served
    name = _name(out)
    for width in (1280, 375, 360):
        page.set_viewport_size({"width": width, "height": 900})
        for label, path in _pages(out).items():
            page.goto(base + path)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{label} is {overflow} px wide at {width} px"
        if width != 360:
            page.goto(base)
            page.screenshot(path=str(artifacts / f"{name}-index-{width}.png"))
    assert (artifacts / f"{name}-index-375.png").stat().st_size > 1000
    page.emulate_media(media="print")
    page.goto(base)
    assert page.locator("#controls").is_hidden()
    assert page.locator("li.event").first.is_visible()


def _axe(page: Any) -> dict[str, Any]:
    """axe-core's WCAG 2.1 AA results for the page shown."""
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return result


def _example_split(tmp_path: Path, limit: int) -> Path:
    """The example site built with ``index_limit = limit``; its output folder."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "timeline.toml", site / "timeline.toml")
    config = load_config(site, output_dir=str(tmp_path / "out"), index_limit=limit)
    build(config, cache=make_cache(config, use_disk=False))
    return config.output_dir


def test_a_split_index_and_its_year_pages(page: Any, tmp_path: Path) -> None:
    """Above index_limit events: the index lists the years, a year's page shows its cards
    and filters them, a bigger year lists its months; axe finds nothing on any of them."""
    out = _example_split(tmp_path, 10)
    by_year: dict[str, list[dict[str, Any]]] = {}
    for e in _events(out):
        by_year.setdefault(e["date"]["start"][:4] if e["date"] else "undated", []).append(e)
    small = max((y for y, evs in by_year.items() if len(evs) <= 10), key=lambda y: len(by_year[y]))
    big = max(by_year, key=lambda y: len(by_year[y]))
    assert len(by_year[small]) > 1 and len(by_year[big]) > 10
    with _http(out) as base:
        page.goto(base, wait_until="networkidle")
        assert page.locator("li.event").count() == 0
        page.locator("nav.years a", has_text=small).click()
        page.wait_for_load_state("networkidle")
        assert page.url == base + f"years/{small}/index.html"
        assert page.locator("li.event").count() == len(by_year[small])
        search = page.get_by_label("Search")
        search.fill("zzz-nothing-matches")
        assert _shown(page) == 0
        search.fill("")
        assert _shown(page) == len(by_year[small])
        page.locator("nav.years a", has_text=big).first.click()
        page.wait_for_load_state("networkidle")
        assert page.locator("li.event").count() == 0
        months = page.locator(f"nav[aria-label='Parts of {big}'] a")
        assert months.count() > 1
        urls = [page.url]
        shown = 0
        for i in range(months.count()):
            page.goto(urls[0], wait_until="networkidle")
            page.locator(f"nav[aria-label='Parts of {big}'] a").nth(i).click()
            page.wait_for_load_state("networkidle")
            urls.append(page.url)
            shown += page.locator("li.event").count()
            page.locator("nav.crumbs a").click()  # back to the year
            page.wait_for_load_state("networkidle")
            assert page.url == urls[0]
        assert shown == len(by_year[big])
        found = {}
        for url in [base, base + f"years/{small}/index.html", *urls[:2]]:
            page.goto(url, wait_until="networkidle")
            if AXE.is_file():
                found[url] = [v["id"] for v in _axe(page)["violations"]]
        assert found == {url: [] for url in found}
        assert page.console_errors == [] and page.failed_requests == []


def test_the_search_of_a_split_index(page: Any, tmp_path: Path) -> None:
    """A split index opened from disk searches every event: search.js is loaded on the first
    search, a word of one title finds that event, whatever its year, and its link leads to
    its page; too many matches are cut at 50; axe finds nothing with results shown."""
    out = _example_split(tmp_path, 5)
    text = (out / "search.js").read_text(encoding="utf-8")
    entries = json.loads(text[len("timelineSearch("):-len(");\n")])
    haystacks = [" ".join([e[0], e[1], e[3], e[4]]).lower() for e in entries]
    unique = next((w, e) for e in entries for w in re.findall(r"[a-z]{7,}", e[0].lower())
                  if sum(w in h for h in haystacks) == 1)
    word, entry = unique
    page.goto((out / "index.html").as_uri(), wait_until="load")
    search = page.get_by_label("Search all")
    status = page.locator("form.site-search .status")
    results = page.locator("form.site-search .search-results a")
    search.fill(word)
    page.wait_for_function("document.querySelectorAll('.search-results a').length > 0")
    assert results.count() == 1 and results.first.inner_text() == entry[0]
    assert status.inner_text() == "1 event matches."
    search.fill("zzz-nothing-matches")
    assert results.count() == 0 and status.inner_text() == "No event matches."
    search.fill("")
    assert results.count() == 0 and status.inner_text() == ""
    search.fill("e")  # in nearly every entry
    many = sum("e" in h for h in haystacks)
    assert many > 50 and results.count() == 50
    assert status.inner_text().startswith(f"The first 50 of {many} events")
    search.fill(word)
    results.first.click()
    page.wait_for_load_state("load")
    assert page.url == (out / entry[2]).as_uri()
    assert page.locator("h1").inner_text() == entry[0]
    assert page.console_errors == [] and page.failed_requests == []
    if AXE.is_file():  # over http: axe reads the style sheets, which file:// forbids
        with _http(out) as base:
            page.goto(base, wait_until="networkidle")
            page.get_by_label("Search all").fill(word)
            page.wait_for_function("document.querySelectorAll('.search-results a').length > 0")
            assert [v["id"] for v in _axe(page)["violations"]] == []


def test_numbered_pages_of_a_long_month(page: Any, tmp_path: Path) -> None:
    """A month with more events than index_limit, opened from disk: "Page 2 →" leads to
    its second page, the page numbers lead back, the filters work there, and axe finds
    nothing on it."""
    out = _example_split(tmp_path, 5)
    second = sorted(out.glob("years/*/*/page/2/index.html"))[0]
    first = second.parents[2] / "index.html"
    page.goto(first.as_uri(), wait_until="load")
    assert page.locator("li.event").count() == 5
    page.locator("a[rel=next]").click()
    page.wait_for_load_state("load")
    assert page.url == second.as_uri()
    cards = page.locator("li.event").count()
    assert 0 < cards <= 5
    search = page.get_by_label("Search")
    search.fill("zzz-nothing-matches")
    assert _shown(page) == 0
    search.fill("")
    assert _shown(page) == cards
    page.locator("nav.pages a", has_text="1").click()
    page.wait_for_load_state("load")
    assert page.url == first.as_uri()
    assert page.console_errors == [] and page.failed_requests == []
    if AXE.is_file():  # over http: axe reads the style sheets, which file:// forbids
        with _http(out) as base:
            page.goto(base + second.relative_to(out).as_posix(), wait_until="networkidle")
            assert [v["id"] for v in _axe(page)["violations"]] == []
