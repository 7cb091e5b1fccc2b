"""Rebuilds that reuse pages and pieces give exactly what a render from scratch gives.

A build keeps the pages whose inputs did not change (timeline.pieces); after any sequence
of edits, every file in output/ must be byte-identical to a full render of the same
timeline, and the dev server's in-memory reuse must equal a fresh render too.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from markupsafe import Markup

from timeline import render
from timeline.build import build, build_timeline, make_cache
from timeline.config import load_config
from timeline.errors import ThemeError
from timeline.model import Event
from timeline.output import MANIFEST, STAGING_PREFIX
from timeline.render import plan_site, render_site
from timeline.theme import load_theme

PORTS = ["harbour", "ferry", "bridge", "canal", "dock", "quay"]
OUTLETS = ["Gazette", "Herald", "Courier"]
WHOLE_SITE_EVENT = """{% extends "!default/event.html" %}
{% block title %}{{ event.title }} · {{ timeline.events|length }} events{% endblock %}
"""
WHOLE_SITE_CARD = """<li id="e-{{ event.id }}">{{ event.title }} of {{ events|length }} \
({{ docs|length }} documents)</li>
"""


def _sentence(rng: random.Random) -> str:
    port = rng.choice(PORTS)
    day = rng.randint(1, 6)
    verb = rng.choice(["reopened", "closed", "was inspected", "flooded"])
    return f"The {port} {verb} on {day} March 2025."


def _article(rng: random.Random, title: str) -> str:
    body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
    extra = "\n\nOfficials said *more* work was due in April 2025." if rng.random() < 0.5 else ""
    return (f"---\ntitle: {title}\nsource: {rng.choice(OUTLETS)}\n"
            f"published: 2025-03-{rng.randint(7, 9):02d}\n---\n{body}{extra}\n")


def _make_site(tmp_path: Path, rng: random.Random, articles: int) -> Path:
    """A site of ``articles`` random articles, under ``tmp_path``."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    for i in range(articles):
        (site / "content" / f"a{i}.md").write_text(_article(rng, f"Report {i}"))
    return site


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def _edit(rng: random.Random, site: Path, step: int) -> str:
    """One random change to the site; returns what it did."""
    content = site / "content"
    articles = sorted(content.glob("*.md"))
    kind = rng.choice(["append", "rewrite", "title", "add", "delete", "touch", "hand-edit",
                       "config", "theme"])
    target = rng.choice(articles)
    if kind == "append":
        with target.open("a", encoding="utf-8") as handle:
            handle.write(_sentence(rng) + "\n")
    elif kind == "rewrite":
        target.write_text(_article(rng, target.stem), encoding="utf-8")
    elif kind == "title":
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("title: ", f"title: Retitled {step} ", 1),
                          encoding="utf-8")
    elif kind == "add":
        (content / f"new{step}.md").write_text(_article(rng, f"New {step}"), encoding="utf-8")
    elif kind == "delete" and len(articles) > 2:
        target.unlink()
    elif kind == "touch":
        os.utime(target)
    elif kind == "hand-edit":
        pages = sorted((site / "output" / "events").glob("*.html"))
        if pages:  # same size, new bytes: only the stat tells
            page = rng.choice(pages)
            data = bytearray(page.read_bytes())
            data[-2:-1] = b"X" if data[-2:-1] != b"X" else b"Y"
            page.write_bytes(bytes(data))
    elif kind == "config":
        (site / "timeline.toml").write_text(f'title = "Ports {step % 3}"\n', encoding="utf-8")
    elif kind == "theme":
        (site / "themes" / "default").mkdir(parents=True, exist_ok=True)
        (site / "themes" / "default" / "404.html").write_text(f"<p>lost {step}</p>\n")
    return kind


@pytest.mark.parametrize("theme", ["default", "whole-site"])
def test_rebuilds_after_random_edits_equal_a_full_render(tmp_path: Path, theme: str) -> None:
    rng = random.Random(f"reuse-{theme}")
    site = _make_site(tmp_path, rng, 8)
    if theme == "whole-site":
        folder = site / "themes" / "default"
        folder.mkdir(parents=True)
        (folder / "event.html").write_text(WHOLE_SITE_EVENT)
        (folder / "_event.html").write_text(WHOLE_SITE_CARD)
    kept = 0
    for step in range(14):
        did = _edit(rng, site, step) if step else "first build"
        config = load_config(site)
        report = build(config)
        out = config.output_dir
        if report.unchanged is not None:
            continue
        assert report.written is not None
        kept += len(report.files) - len(report.written.written)
        expected = render_site(report.timeline, config, load_theme(config))
        got = _tree(out)
        assert sorted(got) == sorted(expected), f"after {did}: the set of files differs"
        wrong = [p for p in expected if got[p] != expected[p]]
        assert not wrong, f"after {did}: {wrong[:5]} differ from a full render"
        assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert kept > 0, "no rebuild kept a page: the reuse was never exercised"


def test_a_page_changed_by_hand_is_written_again(tmp_path: Path) -> None:
    rng = random.Random(7)
    site = _make_site(tmp_path, rng, 4)
    config = load_config(site)
    build(config)
    page = sorted((config.output_dir / "events").glob("*.html"))[0]
    good = page.read_bytes()
    page.write_bytes(good.replace(b"<h1>", b"<h9>", 1))  # same size
    with (site / "content" / "a0.md").open("a") as handle:  # so that the build runs
        handle.write("The quay closed on 2 March 2025.\n")
    report = build(load_config(site))
    assert report.unchanged is None
    assert page.read_bytes() == good


def test_the_dev_servers_memory_equals_a_fresh_render(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    site = _make_site(tmp_path, rng, 6)
    config = load_config(site)
    theme = load_theme(config)
    env = theme.environment()  # kept between rebuilds, as timeline.serve keeps it
    cache = make_cache(config, use_disk=False)
    rendered: list[str] = []
    original = render._Renderer.page

    def counting(self: render._Renderer, template: str, path: str, **context: object) -> bytes:
        rendered.append(path)
        return original(self, template, path, **context)

    monkeypatch.setattr(render._Renderer, "page", counting)
    for step in range(6):
        if step:
            target = rng.choice(sorted((site / "content").glob("*.md")))
            with target.open("a", encoding="utf-8") as handle:
                handle.write(_sentence(rng) + "\n")
        timeline = build_timeline(config, cache)
        rendered.clear()
        plan = plan_site(timeline, config, theme, env)
        got = {path: make() for path, make in plan.items()}
        pages = len(rendered)
        assert got == render_site(timeline, config, theme), f"step {step}"
        if step:
            assert pages < len(rendered) - pages, "the memory was not used"


def test_a_failed_render_leaves_output_as_it_was(tmp_path: Path) -> None:
    rng = random.Random(3)
    site = _make_site(tmp_path, rng, 3)
    config = load_config(site)
    # A template that fails on one source page only, after others were staged.
    folder = site / "themes" / "default"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text(
        '{% extends "!default/source.html" %}{% block title %}'
        '{{ doc.title if doc.id != "a2" else doc.missing.attribute }}{% endblock %}')
    with pytest.raises(ThemeError, match="missing"):
        build(load_config(site))
    assert not config.output_dir.exists(), "a failed first build left output/"
    shutil.rmtree(folder)
    build(load_config(site))
    before = _tree(config.output_dir)
    (folder).mkdir(parents=True)
    (folder / "source.html").write_text(
        '{% extends "!default/source.html" %}{% block title %}'
        '{{ doc.title if doc.id != "a2" else doc.missing.attribute }}{% endblock %}')
    (site / "content" / "a0.md").write_text(_article(rng, "Changed"))
    with pytest.raises(ThemeError):
        build(load_config(site))
    assert _tree(config.output_dir) == before
    assert not [p for p in config.output_dir.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_an_edit_renders_only_the_cards_of_the_events_it_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    site = _make_site(tmp_path, rng, 10)
    config = load_config(site)
    first = build(config)
    cards: list[str] = []
    original = render._Renderer.card

    def counting(self: render._Renderer, values: dict[str, object], event: Event) -> Markup:
        cards.append(event.id)
        return original(self, values, event)

    monkeypatch.setattr(render._Renderer, "card", counting)
    (config.cache_dir / "build-stamp.json").unlink()  # a build that finds every page kept
    again = build(config)
    assert again.written is not None and again.written.written == ()
    assert cards == []
    with (site / "content" / "a3.md").open("a", encoding="utf-8") as handle:
        handle.write("The canal froze on 2 February 2025.\n")
    edited = build(config)
    assert 0 < len(cards) < len(first.timeline.events) / 2, "the unchanged cards were rendered"
    assert _tree(config.output_dir) == render_site(edited.timeline, config, load_theme(config))


def test_digests_remembered_by_identity_equal_digests_made_afresh(tmp_path: Path) -> None:
    """The dev server's KeyMemo looks up the digests of unchanged events and documents; after
    edits (one that changes an event, one that changes only a cited document's text, one
    that removes a document) every digest must equal one computed with no memory."""
    from timeline.build import Session, read_documents
    from timeline.pagekeys import KeyMemo, site_keys

    rng = random.Random(5)
    site = _make_site(tmp_path, rng, 8)
    config = load_config(site)
    theme = load_theme(config)
    cache = make_cache(config, use_disk=False)
    session = Session()
    memo = KeyMemo()
    reused = 0

    def append(name: str, text: str) -> None:
        with (site / "content" / name).open("a", encoding="utf-8") as handle:
            handle.write(text)

    edits = [
        lambda: append("a1.md", "The quay closed on 2 March 2025.\n"),
        lambda: append("a2.md", "\nNo dates in this line.\n"),
        lambda: (site / "content" / "a3.md").unlink(),
        lambda: None,
    ]
    for step, edit in enumerate([lambda: None, *edits]):
        edit()
        timeline = build_timeline(config, cache, read_documents(config), session=session)
        before = dict(memo.events)
        remembered = site_keys(timeline, config, theme, memo)
        assert remembered == site_keys(timeline, config, theme), f"step {step}"
        reused += sum(1 for k, v in memo.events.items() if before.get(k) is v)
    assert reused, "no event digest was ever taken from the memo"


def test_the_dev_servers_plan_makes_only_the_digests_of_the_pages_asked_for(
        tmp_path: Path, keys_made: list[int]) -> None:
    """After an edit the dev server plans the site and signals the reload before any page is
    rendered: planning makes no digest (nor the site's keys), and the reloaded page makes
    its own, not the event pages' (all of them at once, a tenth of a second at 4,000
    articles). Every digest made later equals a plan's with no memory."""
    from timeline.render import event_path, memo_for, plan_pages, source_path

    rng = random.Random(7)
    site = _make_site(tmp_path, rng, 8)
    config = load_config(site)
    theme = load_theme(config)
    env = theme.environment()  # kept between rebuilds, as timeline.serve keeps it
    cache = make_cache(config, use_disk=False)
    made = keys_made
    first = plan_pages(build_timeline(config, cache), config, theme, env, memo_for(env))
    for make in first.render.values():  # the writer renders (and remembers) every page
        make()
    assert made == [1] and memo_for(env).pages
    with (site / "content" / "a1.md").open("a", encoding="utf-8") as handle:
        handle.write(_sentence(rng) + "\n")
    timeline = build_timeline(config, cache)
    memo = memo_for(env)
    memo.event_pages = {}  # (what the last plan's event digests left, to see if made again)
    plan = plan_pages(timeline, config, theme, env, memo)
    assert made == [1], "planning made the site's keys"
    doc = timeline.documents[0].id
    plan.render[source_path(doc)]()  # the page the browser reloads
    assert made == [1, 1] and memo.event_pages == {}, "the event pages' digests were made"
    assert plan.digests[event_path(timeline.events[0])] and memo.event_pages
    assert dict(plan.digests) == dict(plan_pages(timeline, config, theme).digests)
