"""A timeline with more events than ``index_limit`` puts each year on a page of its own."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from timeline.build import build
from timeline.config import load_config
from timeline.errors import ConfigError
from timeline.model import Event
from timeline.pagevalues import Section, Year, paginate

REPO = Path(__file__).resolve().parent.parent
CARD = re.compile(r'<li class="event[^"]*" id="e-([0-9a-f]+)"')
NUMBERED = re.compile(r"page/[0-9]+/")
CRUMB = re.compile(r'<nav class="crumbs" aria-label="Breadcrumb"><a href="([^"]+)">')


def _example(root: Path) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "timeline.toml", root / "timeline.toml")
    return root


def _crumb(page: Path) -> str:
    """Where an event page's "Timeline" link goes."""
    found = CRUMB.search(page.read_text())
    assert found is not None
    return found.group(1)


def _year_of(event: dict[str, object]) -> str:
    date = event["date"]
    return str(date["start"])[:4] if isinstance(date, dict) else "undated"


def test_each_year_gets_a_page_and_every_event_is_on_exactly_one(tmp_path: Path) -> None:
    """With a limit of 5: the index lists the years; a year of at most 5 events shows them,
    a bigger one lists its months, each on a page of its own."""
    site = _example(tmp_path / "site")
    build(load_config(site, index_limit=5, site_url="https://example.org/t/"))
    out = site / "output"
    events = json.loads((out / "events.json").read_text())["events"]
    by_year: dict[str, set[str]] = {}
    for e in events:
        by_year.setdefault(_year_of(e), set()).add(e["id"])
    assert len(by_year) > 3 and any(len(ids) <= 5 for ids in by_year.values())
    assert any(len(ids) > 5 for ids in by_year.values())

    index = (out / "index.html").read_text()
    assert CARD.findall(index) == [], "the split index still shows cards"
    assert re.findall(r'<a href="years/([^/"]+)/index.html">', index) == sorted(by_year)
    shown_on: dict[str, str] = {}
    for page in sorted((out / "years").rglob("index.html")):
        rel = page.relative_to(out).as_posix()
        cards = CARD.findall(page.read_text())
        assert len(cards) <= 5, f"{rel} shows {len(cards)} events"
        for event_id in cards:
            assert event_id not in shown_on, f"{event_id} on {shown_on[event_id]} and {rel}"
            shown_on[event_id] = rel
    assert set(shown_on) == {e["id"] for e in events}
    for year, ids in by_year.items():
        page = (out / "years" / year / "index.html").read_text()
        assert f"<title>{year} · " in page
        if len(ids) <= 5:
            assert set(CARD.findall(page)) == ids, year
            assert f'<a href="#y{year}">{year}</a>' in page  # its events are right here
            continue
        assert CARD.findall(page) == [], f"{year} has {len(ids)} events: months, not cards"
        months = re.findall(rf'<a href="\.\./\.\./(years/{year}/[a-z0-9-]+/index.html)">', page)
        assert len(months) > 1
        assert {NUMBERED.sub("", shown_on[i]) for i in ids} == set(months)
        for month in months:
            assert '<nav class="crumbs" aria-label="Breadcrumb"><a href="../../../years/' \
                f'{year}/index.html">← {year}</a></nav>' in (out / month).read_text()

    for e in events:
        page = out / "events" / f"{e['id']}.html"
        assert _crumb(page) == f"../{shown_on[e['id']]}#e-{e['id']}"
    sitemap = (out / "sitemap.xml").read_text()
    for rel in set(shown_on.values()) | {f"years/{y}/index.html" for y in by_year}:
        assert f"<loc>https://example.org/t/{rel.removesuffix('index.html')}</loc>" in sitemap


def test_the_default_limit_keeps_one_index(tmp_path: Path) -> None:
    site = _example(tmp_path / "site")
    report = build(load_config(site))
    out = site / "output"
    assert not (out / "years").exists()
    assert len(CARD.findall((out / "index.html").read_text())) == len(report.timeline.events)
    some = report.timeline.events[0]
    assert _crumb(out / "events" / f"{some.id}.html") == f"../index.html#e-{some.id}"


def test_event_pages_follow_the_index_when_it_splits(tmp_path: Path) -> None:
    """Passing the limit changes no event, but every event page's link back: pages kept
    from the last build must not keep the old link."""
    site = _example(tmp_path / "site")
    first = build(load_config(site))
    count = len(first.timeline.events)
    (site / "timeline.toml").write_text(  # before any [table]
        f"index_limit = {count}\n" + (site / "timeline.toml").read_text())
    build(load_config(site))
    kept = first.timeline.events[0]
    page = site / "output" / "events" / f"{kept.id}.html"
    assert _crumb(page) == f"../index.html#e-{kept.id}"

    # An edit that adds an event to another article: no document's title, outlet or date
    # changes, so only the digests of the events that article's events touch would move.
    other = next(d for d in first.timeline.documents
                 if all(c.document != d.id for c in kept.citations))
    article = site / "content" / other.path
    original = article.read_text()
    article.write_text(original + "\nThe harbour authority reopened the northern quay on "
                       "4 May 2026.\n")
    third = build(load_config(site))
    assert len(third.timeline.events) > count
    assert (site / "output" / "years").is_dir()
    same = next(e for e in third.timeline.events if e.id == kept.id)
    year = str(same.date.start.year) if same.date else "undated"
    assert _crumb(page) == f"../years/{year}/index.html#e-{kept.id}"

    article.write_text(original)
    build(load_config(site))
    assert not (site / "output" / "years").exists(), "the year pages outlived the split"
    assert _crumb(page) == f"../index.html#e-{kept.id}"


@pytest.mark.parametrize("key", ["index_limit", "feed_limit"])
@pytest.mark.parametrize("value, message", [("-1", "must be 0"), ('"many"', "whole number")])
def test_a_bad_limit_is_named_with_its_line(tmp_path: Path, key: str, value: str,
                                            message: str) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "timeline.toml").write_text(f'title = "T"\n{key} = {value}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    (found,) = caught.value.problems
    assert found.line == 2 and message in found.message and key in found.message


def test_a_part_above_the_limit_goes_on_numbered_pages(tmp_path: Path) -> None:
    """A month with more events than the limit: its first page and page/2/, page/3/ ...
    show them in order, at most ``index_limit`` each, linked both ways; each page says
    which it is, and its events' pages link back to it."""
    site = _example(tmp_path / "site")
    build(load_config(site, index_limit=5, site_url="https://example.org/t/"))
    out = site / "output"
    events = json.loads((out / "events.json").read_text())["events"]
    seconds = sorted((out / "years").rglob("page/2/index.html"))
    assert seconds, "no part of the example has more than 5 events"
    for second in seconds:
        first = second.parent.parent.parent / "index.html"
        pages = [first, second]
        while (following := first.parent / "page" / str(len(pages) + 1) / "index.html").exists():
            pages.append(following)
        texts = [p.read_text() for p in pages]
        shown = [CARD.findall(text) for text in texts]
        assert [len(ids) for ids in shown[:-1]] == [5] * (len(pages) - 1)
        assert 0 < len(shown[-1]) <= 5
        flat = [i for ids in shown for i in ids]
        order = [e["id"] for e in events]
        assert flat == sorted(flat, key=order.index), "pages out of the timeline's order"
        label = re.search(r"<h1>([^<]+) <span", texts[0])
        assert label is not None
        for n, (page, text) in enumerate(zip(pages, texts, strict=True), 1):
            assert f"{len(flat)} events, page {n} of {len(pages)}" in text
            title = f"<title>{label.group(1).strip()}{f', page {n}' if n > 1 else ''} · "
            assert title in text
            assert ('rel="prev"' in text) == (n > 1) and ('rel="next"' in text) == (
                n < len(pages))
            (href, number), = re.findall(r'<a href="([^"]+)" aria-current="page">([0-9]+)<',
                                         text)
            assert int(number) == n and (page.parent / href).resolve() == page.resolve()
            for event_id in shown[n - 1]:
                rel = page.relative_to(out).as_posix()
                assert _crumb(out / "events" / f"{event_id}.html") == \
                    f"../{rel}#e-{event_id}"
        sitemap = (out / "sitemap.xml").read_text()
        for page in pages:
            rel = page.relative_to(out).as_posix().removesuffix("index.html")
            assert f"<loc>https://example.org/t/{rel}</loc>" in sitemap


def test_paginate_cuts_sections_across_pages() -> None:
    """Pages of at most ``limit`` events in order; a section cut in two keeps its heading
    on both pages; a part within the limit stays one page."""
    made = [Event(id=f"e{i}", title=str(i), summary="", date=None, citations=())
            for i in range(7)]
    part = Year("2019", "y2019", (Section("2019", "y2019-0", tuple(made[:3])),
                                  Section("March 2019", "y2019-1", tuple(made[3:]))))
    pages = paginate(part, 2)
    assert [[[e.id for e in s.events] for s in p.sections] for p in pages] == [
        [["e0", "e1"]], [["e2"], ["e3"]], [["e4", "e5"]], [["e6"]]]
    assert [[s.label for s in p.sections] for p in pages] == [
        ["2019"], ["2019", "March 2019"], ["March 2019"], ["March 2019"]]
    assert {(p.label, p.anchor) for p in pages} == {("2019", "y2019")}
    assert paginate(part, 7) == (part,) and paginate(part, 0) == (part,)


def _search_entries(out: Path) -> list[list[str]]:
    """The entries of search.js: ``timelineSearch([...]);`` around a JSON array."""
    text = (out / "search.js").read_text(encoding="utf-8")
    assert text.startswith("timelineSearch([") and text.endswith("]);\n")
    entries: list[list[str]] = json.loads(text[len("timelineSearch("):-len(");\n")])
    return entries


def test_a_split_index_searches_every_event(tmp_path: Path) -> None:
    """search.js holds every event once, in timeline order, with its title, date, sources
    and names, and the page it links to is that event's; the split index offers the search,
    an index that shows every event does not."""
    site = _example(tmp_path / "site")
    build(load_config(site, index_limit=5))
    out = site / "output"
    events = json.loads((out / "events.json").read_text())["events"]
    entries = _search_entries(out)
    assert [e[0] for e in entries] == [e["title"] for e in events]
    assert len({e[2] for e in entries}) == len(events)
    for entry, event in zip(entries, events, strict=True):
        title, when, href, sources, names = entry
        page = (out / href).read_text(encoding="utf-8")
        assert href == f"events/{event['id']}.html"
        assert f"<h1>{escape(title)}</h1>" in page and str(escape(when)) in page
        assert sources == " · ".join(sorted({s["source"] or s["document"]
                                              for s in event["sources"]}))
        assert names == ", ".join(event["actors"])
    index = (out / "index.html").read_text()
    assert '<form class="site-search" role="search" data-index="search.js"' in index
    year_page = next((out / "years").glob("*/index.html")).read_text()
    assert "site-search" not in year_page

    whole = _example(tmp_path / "whole")
    build(load_config(whole))
    assert not (whole / "output" / "search.js").exists()
    assert "site-search" not in (whole / "output" / "index.html").read_text()
