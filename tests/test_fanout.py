"""Pages rendered by worker processes (timeline.fanout) are the pages a single process
renders, and a page that fails in a worker fails the build as it would here."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from timeline import fanout
from timeline.build import build
from timeline.config import load_config
from timeline.errors import ThemeError
from timeline.output import MANIFEST, STAGING_PREFIX

PORTS = ["harbour", "ferry", "bridge", "canal", "dock", "quay"]


def _site(root: Path, n: int) -> Path:
    rng = random.Random(n)
    (root / "content").mkdir(parents=True)
    for i in range(n):
        lines = [f"The {rng.choice(PORTS)} reopened on {rng.randint(1, 28)} March 2025."
                 for _ in range(3)]
        (root / "content" / f"a{i:02d}.md").write_text(
            f"---\ntitle: Report {i}\npublished: 2025-04-0{i % 9 + 1}\n---\n" + " ".join(lines))
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


@pytest.fixture
def fanned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fan out from the first page on, and count the fan-outs."""
    made: list[int] = []
    original = fanout.FannedOutFiles.__init__

    def counting(self: fanout.FannedOutFiles, *args: object, **kwargs: object) -> None:
        made.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fanout, "MIN_PAGES", 1)
    monkeypatch.setattr(fanout, "CHUNK", 3)
    monkeypatch.setattr(fanout, "can_fork", lambda: True)
    monkeypatch.setattr(fanout.FannedOutFiles, "__init__", counting)
    return made


def test_pages_from_workers_equal_pages_rendered_here(tmp_path: Path, fanned: list[int]) -> None:
    one = _site(tmp_path / "one", 12)
    two = _site(tmp_path / "two", 12)
    build(load_config(one), jobs=1)
    assert not fanned
    build(load_config(two), jobs=2)
    assert fanned, "the pages were not fanned out"
    assert _tree(one / "output") == _tree(two / "output")
    # an edit re-renders only some pages, again in workers
    for site in (one, two):
        with (site / "content" / "a03.md").open("a") as handle:
            handle.write("\nThe canal flooded on 2 March 2025.\n")
    build(load_config(one), jobs=1)
    build(load_config(two), jobs=2)
    assert len(fanned) == 2
    assert _tree(one / "output") == _tree(two / "output")


def test_a_page_failing_in_a_worker_fails_the_build_and_leaves_output(
        tmp_path: Path, fanned: list[int]) -> None:
    site = _site(tmp_path / "site", 8)
    build(load_config(site), jobs=2)
    before = _tree(site / "output")
    folder = site / "themes" / "default"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text(
        '{% extends "!default/source.html" %}{% block title %}'
        '{{ doc.title if doc.id != "a05" else doc.missing.attribute }}{% endblock %}')
    (site / "content" / "a01.md").write_text("---\ntitle: Changed\n---\nNothing dated.\n")
    with pytest.raises(ThemeError, match="missing"):
        build(load_config(site), jobs=2)
    assert len(fanned) == 2
    assert _tree(site / "output") == before
    assert not [p for p in (site / "output").iterdir() if p.name.startswith(STAGING_PREFIX)]
    shutil.rmtree(folder)
