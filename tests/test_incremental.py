"""The cheap paths: a build with nothing changed stops early, but never when something
the output depends on changed; extraction on several processes gives the same result."""

from __future__ import annotations

import functools
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from timeline import cache
from timeline.build import build, extract, iter_documents, make_cache, read_documents
from timeline.config import load_config
from timeline.errors import BuildFailed, Problem
from timeline.model import Document, Extraction
from timeline.parallel import extract_many
from timeline.temporal import Settings

ARTICLE = "---\ntitle: {0}\npublished: 2024-03-0{1}\n---\nThe {0} reopened on Monday.\n"


def _site(root: Path, n: int = 3) -> Path:
    (root / "content").mkdir(parents=True)
    for i in range(n):
        (root / "content" / f"a{i}.md").write_text(ARTICLE.format(f"port{i}", i % 9 + 1))
    return root


def test_nothing_changed_stops_early_and_anything_changed_does_not(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    config = load_config(site)
    first = build(config)
    assert first.unchanged is None and first.timeline.events
    second = build(load_config(site))
    assert second.unchanged is not None
    assert second.unchanged.events == len(first.timeline.events)

    (site / "content" / "a1.md").write_text(ARTICLE.format("bridge", 4))
    third = build(load_config(site))
    assert third.unchanged is None
    assert b"The bridge reopened" in (site / "output" / "events.json").read_bytes()

    index = site / "output" / "index.html"
    index.write_text("edited by hand")
    fourth = build(load_config(site))
    assert fourth.unchanged is None, "a changed output file must be rewritten"
    assert b"The bridge reopened" in index.read_bytes()

    (site / "themes" / "default").mkdir(parents=True)
    (site / "themes" / "default" / "404.html").write_text("<body>lost</body>")
    fifth = build(load_config(site))
    assert fifth.unchanged is None
    assert (site / "output" / "404.html").read_text() == "<body>lost</body>"

    (site / "timeline.toml").write_text('title = "Ports"\n')
    assert build(load_config(site)).unchanged is None
    assert build(load_config(site)).unchanged is not None


def test_no_cache_never_stops_early(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    config = load_config(site)
    build(config)
    assert build(config, cache=make_cache(config, use_disk=False)).unchanged is None


def test_extraction_on_several_processes_equals_one(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", n=60)
    config = load_config(site)
    docs, _ = read_documents(config)
    run = functools.partial(extract, settings=Settings())
    seen: list[tuple[str, int, int]] = []
    received: list[tuple[str, int]] = []

    def receive(doc: Document, extraction: Extraction) -> tuple[str, Extraction]:
        received.append((doc.id, os.getpid()))
        return doc.id, extraction

    parallel = extract_many(docs, run, receive, jobs=2,
                            progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert sorted(received) == sorted((doc.id, os.getpid()) for doc in docs)  # here, once each
    serial = extract_many(docs, run, receive, jobs=1)
    assert parallel == serial
    assert all(parallel[doc.id][0] == doc.id for doc in docs)
    assert len(parallel) == 60
    assert seen and seen[-1] == ("extracting", 60, 60)


def _extract_and_mark(doc: Document, marks: Path) -> Extraction:
    (marks / doc.id).touch()
    return extract(doc, Settings())


def test_extraction_from_documents_still_being_read(tmp_path: Path) -> None:
    """Given an iterator, the workers start before it is exhausted: the last document is
    read only once a worker has extracted one of those read before (it waits for that, up
    to half a minute); every document is extracted once, as from a list."""
    site = _site(tmp_path / "site", n=300)
    config = load_config(site)
    docs, _ = read_documents(config)
    marks = tmp_path / "marks"
    marks.mkdir()
    run = functools.partial(_extract_and_mark, marks=marks)
    read: list[str] = []
    before_last: list[int] = []

    def reading() -> Iterator[Document]:
        for doc in docs:
            if doc is docs[-1]:
                deadline = time.monotonic() + 30
                while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
                    time.sleep(0.01)
                before_last.append(len(list(marks.iterdir())))
            read.append(doc.id)
            yield doc

    seen: list[tuple[int, int]] = []
    streamed = extract_many(reading(), run, lambda doc, x: x, jobs=2,
                            progress=lambda stage, done, total: seen.append((done, total)))
    assert read == [doc.id for doc in docs] and len(streamed) == 300
    assert seen[-1] == (300, 300) and all(done <= total for done, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    # (the first document is extracted here, before the workers start: see extract_many)
    assert before_last[0] >= 2
    assert streamed == extract_many(docs, functools.partial(extract, settings=Settings()),
                                    lambda doc, x: x, jobs=1)


def test_articles_are_read_one_at_a_time(tmp_path: Path) -> None:
    """iter_documents reads each file when the next document is asked for: a file that goes
    away meanwhile is reported, not read before its turn."""
    site = _site(tmp_path / "site", n=3)
    config = load_config(site)
    problems: list[Problem] = []
    reading = iter_documents(config, problems)
    first = next(reading)
    assert first.id == "a0" and problems == []
    (site / "content" / "a1.md").unlink()
    assert [doc.id for doc in reading] == ["a2"]
    assert [p.path.name for p in problems if p.path is not None] == ["a1.md"]


def test_extraction_code_digest_covers_every_module_extraction_imports():
    """The cache key hashes the extraction code; a module missing from that list would let a
    changed extractor reuse stale cache entries."""
    import ast
    from pathlib import Path

    import timeline
    from timeline import build

    folder = Path(timeline.__file__).parent
    seen: set[str] = set()
    todo = ["temporal", "events", "sentences", "documents"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "timeline":
                    todo.extend(alias.name for alias in node.names)
                elif node.module.startswith("timeline."):
                    todo.append(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                todo.extend(a.name.split(".")[1] for a in node.names
                            if a.name.startswith("timeline."))
    # Configuration and errors shape no extraction result by their code alone.
    missing = seen - set(build._EXTRACTION_MODULES) - {"config", "errors"}
    assert not missing, f"add to build._EXTRACTION_MODULES: {sorted(missing)}"


def test_a_build_drops_the_cache_entries_of_edited_and_removed_articles(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", n=4)
    build(load_config(site))
    cache_dir = site / ".timeline-cache"

    def entries() -> set[str]:
        return {p.name for p in cache_dir.iterdir() if len(p.stem) == 32}

    first = entries()
    assert len(first) == 4
    (cache_dir / "notes.json").write_text("{}")  # not ours to delete
    (cache_dir / f"{'0' * 32}.json").write_text("{}")  # an entry of the JSON format: ours
    (site / "content" / "a1.md").write_text(ARTICLE.format("bridge", 4))
    (site / "content" / "a2.md").unlink()
    report = build(load_config(site))
    assert report.cache_misses == 1
    now = entries()
    assert len(now) == 3 and len(now & first) == 2
    assert (cache_dir / "notes.json").exists() and (cache_dir / "ids.json").exists()
    # what is left is what the next build uses: nothing to extract again
    (site / "content" / "a0.md").touch()
    assert build(load_config(site), cache=make_cache(load_config(site))).cache_misses == 0


def test_cache_entries_are_written_after_the_folder_is_removed_or_a_name_is_taken(
        tmp_path: Path) -> None:
    """A process remembers the cache folders it prepared; the dev server's lives on after
    `timeline clean` removes its folder, and a crashed process of the same pid may have
    left a temporary file under the name this one tries first."""
    site = _site(tmp_path / "site", n=2)
    build(load_config(site))
    cache_dir = site / ".timeline-cache"
    shutil.rmtree(cache_dir)
    (site / "content" / "a0.md").write_text(ARTICLE.format("ferry", 5))
    assert build(load_config(site)).cache_misses == 2
    assert len([p for p in cache_dir.iterdir() if len(p.stem) == 32]) == 2
    assert (cache_dir / "CACHEDIR.TAG").exists()
    taken = cache_dir / f".tmp-{os.getpid()}-{next(cache._SERIAL) + 1}{cache.ENTRY_SUFFIX}"
    taken.write_bytes(b"left over")
    cache.write_entry(cache_dir, "f" * 32, b"entry")
    assert (cache_dir / f"{'f' * 32}{cache.ENTRY_SUFFIX}").read_bytes() == b"entry"
    assert taken.read_bytes() == b"left over"
    assert cache.ExtractionCache(cache_dir, "").prune(set()) >= 2  # entries and leftovers


def test_a_build_runs_without_the_cyclic_collector_and_restores_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build turns the collector off (it walked millions of live objects again and again)
    and gives it back as it found it, even when the build fails."""
    import gc

    import timeline.build as build_module

    seen: list[bool] = []
    real = build_module.assign_ids

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "assign_ids", spy)
    site = _site(tmp_path / "site")
    assert gc.isenabled()
    build(load_config(site))
    assert seen == [False] and gc.isenabled()
    (site / "content" / "bad.md").write_text("---\ntitle: [unclosed\n---\nText.\n")
    with pytest.raises(BuildFailed):
        build(load_config(site))
    assert gc.isenabled()
    gc.disable()
    try:
        (site / "content" / "bad.md").unlink()
        build(load_config(site))
        assert not gc.isenabled(), "a build turned on a collector its caller had turned off"
    finally:
        gc.enable()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign", "other record"])
def test_a_damaged_or_foreign_cache_entry_is_extracted_again(tmp_path: Path,
                                                             damage: str) -> None:
    """An entry cut short, overwritten, or holding a pickle that calls anything but our
    records' constructors is not used (and never run): the document is extracted again and
    the site comes out the same."""
    import pickle

    site = _site(tmp_path / "site", n=2)
    first = build(load_config(site))
    cache_dir = site / ".timeline-cache"
    (entry, *_), = [sorted(p for p in cache_dir.iterdir() if len(p.stem) == 32)]
    data = entry.read_bytes()
    marker = tmp_path / "ran"
    entry.write_bytes({
        "truncated": data[: len(data) // 2],
        "garbage": b"\x80\x05not a pickle at all",
        "foreign": pickle.dumps(_Runs(str(marker))),
        "other record": pickle.dumps(("a tuple", 1)),
    }[damage])
    (cache_dir / "build-stamp.json").unlink()  # else the build stops at "nothing changed"
    again = build(load_config(site))
    assert again.cache_misses == 1 and not marker.exists()
    assert [e.id for e in again.timeline.events] == [e.id for e in first.timeline.events]
    assert entry.read_bytes() == data, "the entry was not written again"


class _Runs:
    """Unpickled, it would create a file: proof that a cache entry ran code."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (self.path, "w"))


def test_a_build_reports_each_stage_to_its_progress(tmp_path: Path) -> None:
    """Extracting (articles), merging, then writing (files, up to all of them): the bar
    moves through the whole build, not only its extraction."""
    site = _site(tmp_path / "site", n=5)
    seen: list[tuple[str, int, int]] = []
    report = build(load_config(site), progress=lambda *at: seen.append(at))
    stages = [stage for stage, _, _ in seen]
    assert stages == sorted(stages, key=["extracting", "merging", "writing"].index)
    assert ("extracting", 5, 5) in seen and "merging" in stages
    files = len(report.files)
    assert seen[-1] == ("writing", files, files) and files > 5
    assert all(0 <= done <= total for _, done, total in seen)


def test_equal_dates_come_back_as_one_object(tmp_path: Path) -> None:
    """Extractions read back (from the cache, or from a worker) share one DateSpan per date,
    which the index's grouping by runs relies on for speed, and memory for size."""
    from timeline import pickles

    site = _site(tmp_path / "site", n=2)
    config = load_config(site)
    docs, _ = read_documents(config)
    first, second = (extract(doc, Settings()) for doc in docs)
    a, b = pickles.loads(pickles.dumps(first)), pickles.loads(pickles.dumps(second))
    assert a == first and b == second
    spans = {m.span for m in (*a.mentions, *b.mentions) if m.span is not None}
    assert len(spans) == 1, "the articles were meant to share a date"
    assert a.mentions[0].span is b.mentions[0].span
    assert a.events[0].date is b.mentions[0].span
