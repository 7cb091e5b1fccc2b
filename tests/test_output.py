"""Writing output/: never outside it (links included), all or nothing, only our files."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from timeline.errors import OutputError, ThemeError, problem
from timeline.output import MANIFEST, STAGING_PREFIX, safe_target, write_site


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_paths_that_leave_the_folder_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a\\b", "a\x00b"]:
        with pytest.raises(OutputError):
            safe_target(out, bad)
    assert safe_target(out, "a/b/c.html") == out / "a" / "b" / "c.html"


def test_links_that_leave_the_folder_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    (out / "inside").mkdir(parents=True)
    outside.mkdir()
    os.symlink(outside, out / "escape")
    os.symlink(out / "inside", out / "alias")
    os.symlink(outside / "file.html", out / "page.html")
    with pytest.raises(OutputError, match="link"):
        safe_target(out, "escape/index.html")
    with pytest.raises(OutputError, match="link"):
        safe_target(out, "escape/deeper/index.html")
    with pytest.raises(OutputError, match="link"):
        safe_target(out, "page.html")
    assert safe_target(out, "alias/index.html") == out / "alias" / "index.html"
    with pytest.raises(OutputError):
        write_site({"a.html": b"a", "escape/b.html": b"b"}, out)
    assert list(outside.iterdir()) == []
    assert not (out / "a.html").exists(), "a refused site was partly written"


def test_write_keeps_unchanged_files_and_removes_only_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = write_site({"a.html": b"a", "b/c.html": b"c", "d.html": b"d"}, out)
    assert sorted(first.written) == ["a.html", "b/c.html", "d.html"]
    (out / "CNAME").write_text("example.org\n")
    stamp = os.stat(out / "a.html").st_mtime_ns
    second = write_site({"a.html": b"a", "d.html": b"D"}, out)
    assert second.written == ("d.html",) and second.unchanged == 1
    assert second.deleted == ("b/c.html",) and not (out / "b").exists()
    assert os.stat(out / "a.html").st_mtime_ns == stamp
    assert _files(out)["CNAME"] == b"example.org\n"
    for rel, info in second.stats.items():
        stat = os.stat(out / rel)
        assert info == (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def test_kept_paths_are_neither_asked_for_nor_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site({"a.html": b"a", "b.html": b"b"}, out)

    class Refusing(Mapping[str, bytes]):
        def __getitem__(self, rel: str) -> bytes:
            assert rel != "a.html", "a kept file was rendered"
            return b"B"

        def __iter__(self) -> Iterator[str]:
            return iter(["a.html", "b.html"])

        def __len__(self) -> int:
            return 2

    report = write_site(Refusing(), out, keep={"a.html"})
    assert report.written == ("b.html",)
    assert _files(out) == {"a.html": b"a", "b.html": b"B", MANIFEST: (out / MANIFEST).read_bytes()}
    assert "a.html" in (out / MANIFEST).read_text()


class Failing(Mapping[str, bytes]):
    """A site whose last file fails to render, after the others were staged."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def __getitem__(self, rel: str) -> bytes:
        if rel == "z.html":
            raise ThemeError([problem(None, None, "boom")])
        return self.files[rel]

    def __iter__(self) -> Iterator[str]:
        return iter([*self.files, "z.html"])

    def __len__(self) -> int:
        return len(self.files) + 1


def test_a_file_failing_to_render_leaves_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ThemeError):
        write_site(Failing({"a.html": b"a", "new/b.html": b"b"}), out)
    assert not out.exists(), "a failed first write left output/ behind"
    write_site({"a.html": b"a", "c.html": b"c"}, out)
    before = _files(out)
    with pytest.raises(ThemeError):
        write_site(Failing({"a.html": b"A", "new/b.html": b"b"}), out)
    assert _files(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX) or p.is_dir()]


def test_a_file_or_folder_in_the_way_fails_before_anything_moves(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "events").write_text("a user's file\n")
    with pytest.raises(OutputError, match="folder"):
        write_site({"a.html": b"a", "events/x/index.html": b"x"}, out)
    assert sorted(p.name for p in out.iterdir()) == ["events"]
    (out / "events").unlink()
    (out / "page.html").mkdir()
    with pytest.raises(OutputError, match="folder"):
        write_site({"a.html": b"a", "page.html": b"x"}, out)
    assert sorted(p.name for p in out.iterdir()) == ["page.html"]


def test_new_folders_move_in_whole_and_existing_ones_file_by_file(tmp_path: Path) -> None:
    out = tmp_path / "output"

    def tree() -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file() and p.name != MANIFEST}

    first = {"index.html": b"i", "events/a/index.html": b"a", "events/b/index.html": b"b",
             "sources/x/y/index.html": b"y"}
    report = write_site(first, out)
    assert tree() == first and len(report.written) == 4
    (out / "events" / "a" / "notes.txt").write_text("mine")  # a user's file in our folder
    second = {**first, "events/a/index.html": b"a2", "events/c/index.html": b"c",
              "events/c/extra/index.html": b"ce", "static/s.css": b"s"}
    report = write_site(second, out)
    assert sorted(report.written) == ["events/a/index.html", "events/c/extra/index.html",
                                      "events/c/index.html", "static/s.css"]
    assert tree() == {**second, "events/a/notes.txt": b"mine"}
    for rel in report.written:  # stats describe the files in place
        info = (out / rel).stat()
        assert report.stats[rel] == (info.st_size, info.st_mtime_ns, info.st_ino)
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_staging_folders_of_killed_builds_are_removed_by_the_next(tmp_path: Path) -> None:
    """A build killed outright (kill -9) leaves its staging folder in output/; the next
    build removes it once it is an hour old, and leaves alone a recent one (another build
    under way), a file and a link that only bear the name."""
    out = tmp_path / "out"
    write_site({"a.html": b"a"}, out)
    stale = out / f"{STAGING_PREFIX}dead"
    (stale / "events" / "x").mkdir(parents=True)
    (stale / "events" / "x" / "index.html").write_text("half")
    recent = out / f"{STAGING_PREFIX}busy"
    recent.mkdir()
    (out / f"{STAGING_PREFIX}file").write_text("mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, out / f"{STAGING_PREFIX}link")
    hours_ago = time.time() - 2 * 3600
    for old in (stale, out / f"{STAGING_PREFIX}file", elsewhere):
        os.utime(old, (hours_ago, hours_ago))
    os.utime(out / f"{STAGING_PREFIX}link", (hours_ago, hours_ago), follow_symlinks=False)
    write_site({"a.html": b"A"}, out)
    assert not stale.exists()
    assert recent.is_dir() and (out / f"{STAGING_PREFIX}file").read_text() == "mine"
    assert (out / f"{STAGING_PREFIX}link").is_symlink() and elsewhere.is_dir()
    assert (out / "a.html").read_bytes() == b"A"
