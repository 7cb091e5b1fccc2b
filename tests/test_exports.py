"""The exports parsed back: timelinejs.json, events.ics, feed.xml, sitemap.xml, canonical links.

Each is checked against events.json, the export the other tests already trust."""

from __future__ import annotations

import calendar
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from timeline.build import build, make_cache
from timeline.config import load_config
from timeline.ical import _day, escape_text, fold

SITE_URL = "https://example.org/sub/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

FIRST = """---
title: Harbour notes
source: Gazette, Ltd; "East"
published: 2025-03-05
url: https://example.org/a?x=1&y=2
---
Dock workers walked out on 3 March 2025, closing the port; ships waited at anchor \\ offshore.

The new crane arrived in March 2024 after a long delay.

The harbour was founded in 1923 by a group of merchants.

Talks are expected in early 2026.
"""
SECOND = """---
title: Second report
source: Herald
published: 2025-03-06
---
The port closed on Monday, 3 March 2025, when dock workers walked out.
"""


def _build(make_site: Callable[..., Path], site_url: str | None, name: str = "site") -> Path:
    site = make_site({"content/a.md": FIRST, "content/b.md": SECOND,
                      "timeline.toml": 'title = "Port, dispute; log"\n'}, name=name)
    overrides = {"site_url": site_url} if site_url else {}
    config = load_config(site, **overrides)
    build(config, cache=make_cache(config, use_disk=False))
    return config.output_dir


@pytest.fixture
def out(make_site: Callable[..., Path]) -> Path:
    return _build(make_site, SITE_URL)


def _events(out: Path) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads((out / "events.json").read_text())["events"]
    return events


def _first_day(iso: str) -> date:
    parts = [int(p) for p in iso.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _last_day(iso: str) -> date:
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return date(*parts)
    month = parts[1] if len(parts) == 2 else 12
    return date(parts[0], month, calendar.monthrange(parts[0], month)[1])


def test_the_sample_has_every_precision(out: Path) -> None:
    precisions = {e["date"]["precision"] for e in _events(out) if e["date"]}
    assert {"day", "month", "year"} <= precisions
    assert any(e["date"]["approximate"] for e in _events(out) if e["date"])


def test_timelinejs_dates_are_no_finer_than_known(out: Path) -> None:
    data = json.loads((out / "timelinejs.json").read_text())
    assert data["title"]["text"]["headline"] == "Port, dispute; log"
    dated = [e for e in _events(out) if e["date"]]
    assert len(data["events"]) == len(dated)
    slides = {s["unique_id"]: s for s in data["events"]}
    for event in dated:
        slide = slides[f"e-{event['id']}"]
        start, end = event["date"]["start"], event["date"]["end"]
        keys = ("year", "month", "day")[: len(start.split("-"))]
        assert slide["start_date"] == dict(zip(keys, map(int, start.split("-")), strict=True))
        if end != start:
            end_keys = ("year", "month", "day")[: len(end.split("-"))]
            assert slide["end_date"] == dict(zip(end_keys, map(int, end.split("-")),
                                                 strict=True))
        else:
            assert "end_date" not in slide
        assert slide["display_date"] == event["date"]["label"]
        assert slide["text"]["headline"]
        assert all(c["quote"].split()[0] in slide["text"]["text"] for c in event["sources"])
        assert slide["group"] in {"Gazette, Ltd; \"East\"", "Herald"}
    month = next(s for s in data["events"] if s["display_date"] == "Mar 2024")
    assert month["start_date"] == {"year": 2024, "month": 3}


def _ics_lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_ics_is_rfc5545(out: Path) -> None:
    lines = _ics_lines((out / "events.ics").read_bytes())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    blocks: list[dict[str, str]] = []
    for line in lines:
        if line == "BEGIN:VEVENT":
            blocks.append({})
        elif blocks and ":" in line and line != "END:VEVENT":
            name, value = line.split(":", 1)
            blocks[-1].setdefault(name, value)
    dated = [e for e in _events(out) if e["date"]]
    assert len(blocks) == len(dated)
    by_uid = {b["UID"].split("@")[0]: b for b in blocks}
    for event in dated:
        block = by_uid[event["id"]]
        assert block["UID"] == f"{event['id']}@example.org"
        first = _first_day(event["date"]["start"])
        after = _last_day(event["date"]["end"]) + timedelta(days=1)
        assert block["DTSTART;VALUE=DATE"] == first.strftime("%Y%m%d")
        assert block["DTEND;VALUE=DATE"] == after.strftime("%Y%m%d")
        assert _unescape(block["SUMMARY"]) == event["title"]
        assert block["URL"] == f"{SITE_URL}events/{event['id']}.html"
        # the newest published date, not the clock: the same input gives the same file
        assert block["DTSTAMP"] == "20250306T000000Z"
    year = by_uid[next(e["id"] for e in dated if e["date"]["precision"] == "year"
                       and not e["date"]["approximate"])]
    assert (year["DTSTART;VALUE=DATE"], year["DTEND;VALUE=DATE"]) == ("19230101", "19240101")
    month = by_uid[next(e["id"] for e in dated if e["date"]["precision"] == "month")]
    assert (month["DTSTART;VALUE=DATE"], month["DTEND;VALUE=DATE"]) == ("20240301", "20240401")
    day = by_uid[next(e["id"] for e in dated if e["date"]["precision"] == "day")]
    assert "Monday\\, 3 March 2025\\," in day["SUMMARY"]
    assert "\\; ships" in day["DESCRIPTION"] and "anchor \\\\ offshore" in day["DESCRIPTION"]
    assert "\\n" in day["DESCRIPTION"]
    assert "X-WR-CALNAME:Port\\, dispute\\; log" in lines


def test_fold_and_escape() -> None:
    value = "Ünïcödé, “quoted”; " * 12
    folded = fold("DESCRIPTION:" + escape_text(value + "\nsecond line \\ end"))
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.endswith("\r\n") and folded.count("\r\n ") >= 3
    unfolded = folded[:-2].replace("\r\n ", "")
    assert _unescape(unfolded.split(":", 1)[1]) == value + "\nsecond line \\ end"
    assert escape_text("a,b;c\\d\r\ne") == "a\\,b\\;c\\\\d\\ne"


def test_ics_dates_have_four_digit_years() -> None:
    """RFC 5545's date-fullyear is four digits, also before the year 1000 (strftime's %Y
    wrote 10101 for 1 January of the year 1)."""
    assert [_day(d) for d in (date(2025, 3, 3), date(999, 12, 31), date(1, 1, 1))] == [
        "20250303", "09991231", "00010101"]


def test_atom_feed_newest_first_with_absolute_links(out: Path) -> None:
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE_URL + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    events = _events(out)
    assert len(entries) == len(events)
    by_link = {}
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated", ""))
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith(SITE_URL)
        content = entry.findtext(f"{ATOM}content", "")
        assert all(a.startswith(SITE_URL) for a in re.findall(r'href="([^"]+)"', content))
        by_link[href] = entry
    starts = [e["date"]["start"] for e in events if e["date"]]
    order = [next(e["date"]["start"] for e in events
                  if by_link[f"{SITE_URL}events/{e['id']}.html"] is entry) for entry in entries]
    assert order == sorted(starts, reverse=True)
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)


def test_atom_feed_holds_the_newest_feed_limit_events(make_site: Callable[..., Path]
                                                      ) -> None:
    """With feed_limit = 2 the feed has the two newest events, the others stay in
    events.json; 0 puts every event in."""
    site = make_site({"content/a.md": FIRST, "content/b.md": SECOND,
                      "timeline.toml": "feed_limit = 2\n"}, name="limited")
    config = load_config(site)
    build(config, cache=make_cache(config, use_disk=False))
    events = _events(config.output_dir)
    assert len(events) > 2
    entries = ET.parse(config.output_dir / "feed.xml").getroot().findall(f"{ATOM}entry")
    newest = sorted((e for e in events if e["date"]), key=lambda e: e["date"]["start"])[-2:]
    assert [x.find(f"{ATOM}link").get("href") for x in entries] == [
        f"events/{e['id']}.html" for e in reversed(newest)]
    config = load_config(site, output_dir="all", feed_limit=0)
    build(config, cache=make_cache(config, use_disk=False))
    every = ET.parse(config.output_dir / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert len(every) == len(events)


def test_atom_without_site_url_is_relative_with_the_same_ids(
        out: Path, make_site: Callable[..., Path]) -> None:
    local = _build(make_site, None, name="local")
    feed = ET.parse(local / "feed.xml").getroot()
    assert feed.find(f"{ATOM}link[@rel='self']") is None
    hrefs = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert hrefs and all(h.startswith("events/") for h in hrefs)
    assert all((local / h).is_file() for h in hrefs)
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    public = ET.parse(out / "feed.xml").getroot()
    assert ids == [e.findtext(f"{ATOM}id") for e in public.findall(f"{ATOM}entry")]
    assert not (local / "sitemap.xml").exists()
    assert "rel=\"canonical\"" not in (local / "index.html").read_text()


def _pages(out: Path) -> dict[str, str]:
    """Every page of a built site but the 404 page -> its public path (a folder's
    index.html is the folder)."""
    return {rel: rel.removesuffix("index.html") for rel in
            (p.relative_to(out).as_posix() for p in out.rglob("*.html")) if rel != "404.html"}


def test_sitemap_lists_every_page_under_the_site_url(out: Path) -> None:
    root = ET.parse(out / "sitemap.xml").getroot()
    locs = [u.findtext(f"{SITEMAP}loc", "") for u in root.findall(f"{SITEMAP}url")]
    pages = _pages(out)
    assert any(rel.startswith("events/") for rel in pages)
    assert sorted(locs) == sorted(SITE_URL + public for public in pages.values())
    assert len(locs) == len(set(locs))
    assert SITE_URL in locs and f"{SITE_URL}key/" in locs


def test_canonical_links_and_an_absolute_404(out: Path) -> None:
    for rel, public in _pages(out).items():
        assert f'<link rel="canonical" href="{SITE_URL}{public}">' in (out / rel).read_text()
    missing = (out / "404.html").read_text()
    assert "canonical" not in missing
    assert f'href="{SITE_URL}static/style.css"' in missing


def test_key_events_page_and_salience(out: Path) -> None:
    events = _events(out)
    assert all(e["salience"] == len({s["document"] for s in e["sources"]}) for e in events)
    key = (out / "key" / "index.html").read_text()
    for event in events:
        assert (f"events/{event['id']}.html" in key) == (event["salience"] >= 2)


def test_a_happening_whose_date_cannot_be_resolved_is_shown_undated(
        make_site: Callable[..., Path]) -> None:
    """An article without a date: "on Monday" stays unresolved, and the happening is shown
    undated (last in events.json and on the timeline, left out of the calendar and of
    TimelineJS, which need a date) rather than lost; a page's date line and an impossible
    date make no happening."""
    site = make_site({"content/a.md": "---\ntitle: Kherson\nsource: Wire\n---\nPublished 4 "
                                      "March\n\nRussian troops arrived in Kherson on Monday. "
                                      "The fund was wound up on February 30, 2024.\n\nThe "
                                      "harbour reopened on 3 March 2024.\n"})
    report = build(load_config(site))
    data = json.loads(report.files["events.json"])
    assert [(e["date"] and e["date"]["label"], e["title"]) for e in data["events"]] == [
        ("3 Mar 2024", "The harbour reopened"),
        (None, "Russian troops arrived in Kherson on Monday")]
    source = data["events"][1]["sources"][0]
    assert source["date_text"] == "Monday" and source["document"] == "a"
    index = report.files["index.html"].decode()
    assert index.index(">Undated<") < index.index("Russian troops arrived in Kherson")
    assert [e["text"]["headline"] for e in
            json.loads(report.files["timelinejs.json"])["events"]] == ["The harbour reopened"]
    assert report.files["events.ics"].decode().count("BEGIN:VEVENT") == 1


def test_quotes_read_as_the_rendered_article_does(make_site: Callable[..., Path]) -> None:
    """A cited sentence written with Markdown is quoted as a reader of the article sees it,
    in events.json, on the event page and in the feed, calendar and TimelineJS exports."""
    site = make_site({"content/a.md": "---\ntitle: Talks\npublished: 2025-09-03\nsource: W\n"
                                      "---\n[Sergei Shoigu](https://link.example/s) met **Wang "
                                      "Yi** in `Beijing` on Monday.[^1]\n\n[^1]: A note.\n"})
    report = build(load_config(site))
    said = "Sergei Shoigu met Wang Yi in Beijing on Monday."
    [event] = json.loads(report.files["events.json"])["events"]
    assert event["sources"][0]["quote"] == said
    page = report.files[f"events/{event['id']}.html"].decode()
    assert f"<p>{said}</p></blockquote>" in page
    for name in ("feed.xml", "timelinejs.json", "events.ics"):
        text = report.files[name].decode()
        assert "Shoigu met" in text and "link.example" not in text and "**" not in text
