"""The invalid-sites suite: bad input gets a clear message, never a crash or a lost file.

Each case is a folder under tests/invalid_sites/ (see its README.md). The test builds the
case's site through the real command line, in-process, and checks the exit code, the
messages, what the written site holds, and that nothing outside output/ and
.timeline-cache/ changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from timeline.cli import main
from timeline.documents import parse_front_matter

CASES = Path(__file__).parent / "invalid_sites"
USER_FILE = "CNAME"


@dataclass
class Expected:
    what: str = ""
    args: list[str] = field(default_factory=list)
    exit: int | None = None
    stderr: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    event: list[str] = field(default_factory=list)
    no_event: list[str] = field(default_factory=list)
    links: bool = False
    generated: bool = False


def read_expected(path: Path) -> Expected:
    exp = Expected()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            exp.what = line.lstrip("# ")
            continue
        if not line.strip():
            continue
        key, _, value = line.partition(": ")
        if key == "args":
            exp.args = value.split()
        elif key == "exit":
            exp.exit = int(value)
        elif key in ("stderr", "present", "absent", "event", "no-event"):
            getattr(exp, key.replace("-", "_")).append(value)
        elif key == "links":
            exp.links = value == "ok"
        elif key == "generated":
            exp.generated = value == "yes"
        else:
            raise AssertionError(f"{path}: unknown line {line!r}")
    assert exp.exit is not None, f"{path}: no 'exit:' line"
    return exp


# --- the generated cases: files that do not belong in git --------------------------------

def not_utf8(content: Path) -> None:
    (content / "latin1.md").write_bytes(
        "Notes.\nThe café opened on 3 March 2024.\n".encode("latin-1"))
    (content / "good.md").write_text("The bridge opened on 4 March 2024.\n")


def binary(content: Path) -> None:
    (content / "picture.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (content / "program.txt").write_bytes(b"\x7fELF\x02\x01\x01" + b"\x00\x01\x02\x03" * 900)


def nul_bytes(content: Path) -> None:
    (content / "a.txt").write_bytes(b"Notes.\nThe bridge opened\x00 on 4 March 2024.\x00\n")


def long_line(content: Path) -> None:
    words = "the committee kept reading the long report " * 24_000  # about 1 MB
    (content / "long.txt").write_text(words + "until it adjourned on 4 March 2024\n")


def huge_file(content: Path) -> None:
    line = "The harbour reopened on 4 March 2024 after a long winter of repairs.\n"
    with (content / "huge.txt").open("w") as out:
        out.write(line * (50 * 2**20 // len(line) + 1))
    (content / "good.md").write_text("The bridge opened on 4 March 2024.\n")


def symlink_loop(content: Path) -> None:
    (content / "good.md").write_text("The bridge opened on 4 March 2024.\n")
    (content / "sub").mkdir()
    os.symlink("..", content / "sub" / "up")
    os.symlink("self.md", content / "self.md")


def deep_folders(content: Path) -> None:
    deep = content.joinpath(*["level"] * 60)
    deep.mkdir(parents=True)
    (deep / "deep.md").write_text("The deep archive opened on 4 March 2024.\n")


def special_files(content: Path) -> None:
    """A named pipe, whose reading waits for a writer forever, and a link to /dev/zero,
    which never ends: the build hung on the first and filled memory on the second."""
    (content / "good.md").write_text("The bridge opened on 4 March 2024.\n")
    os.mkfifo(content / "pipe.md")
    os.symlink("/dev/zero", content / "zero.md")


GENERATORS: dict[str, Callable[[Path], None]] = {
    "not-utf8": not_utf8, "binary": binary, "nul-bytes": nul_bytes, "long-line": long_line,
    "huge-file": huge_file, "symlink-loop": symlink_loop, "deep-folders": deep_folders,
    "special-files": special_files,
}


# --- checks ------------------------------------------------------------------------------


class _TooLong(BaseException):
    """Not an OSError (as TimeoutError is), which the build would take for an unreadable
    file and go on."""


def _within(seconds: int, run: Callable[[], int]) -> int:
    """run(), failing the test if it takes longer than ``seconds`` (a build that waits on a
    pipe would otherwise hang the whole run)."""
    def expired(signum: int, frame: object) -> None:
        raise _TooLong(f"the build took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        return run()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file (and link) under ``root`` with its bytes, not following links."""
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(root):
        rel_folder = Path(folder).relative_to(root)
        dirs[:] = [d for d in dirs if (rel_folder / d).as_posix() not in skip]
        for name in dirs + files:
            path = Path(folder) / name
            key = (rel_folder / name).as_posix()
            if path.is_symlink():
                found[key] = b"-> " + os.readlink(path).encode()
            elif path.is_file():
                found[key] = path.read_bytes() if name in files else b""
    return found


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def broken_links(out: Path) -> list[str]:
    """Every internal href/src in the site that does not lead to a file (and id) in it."""
    parsed: dict[Path, _Links] = {}

    def parse(page: Path) -> _Links:
        if page not in parsed:
            parser = _Links()
            parser.feed(page.read_text(encoding="utf-8"))
            parsed[page] = parser
        return parsed[page]

    broken = []
    for page in out.rglob("*.html"):
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target = (page.parent / unquote(parts.path)) if parts.path else page
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            target = target.resolve()
            if not target.is_relative_to(out.resolve()) or not target.is_file():
                broken.append(f"{page.relative_to(out)}: {link}")
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in parse(target).ids:
                broken.append(f"{page.relative_to(out)}: {link} (no such anchor)")
    return broken


def site_text(out: Path) -> str:
    """The markup of the written site (events.json holds data, not markup)."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in sorted(out.rglob("*")) if p.suffix in (".html", ".xml"))


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_invalid_site(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    expected = read_expected(CASES / case / "expected")
    site = tmp_path / "site"
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # so that output_dir = "~" can never be real
    if expected.generated:
        (site / "content").mkdir(parents=True)
        GENERATORS[case](site / "content")
    else:
        shutil.copytree(CASES / case / "site", site, symlinks=True)
    out = site / "output"
    out.mkdir(exist_ok=True)
    (out / USER_FILE).write_text("news.example.org\n")
    before_site = snapshot(site, skip=("output", ".timeline-cache"))
    before_out = snapshot(out)
    before_home = snapshot(home)

    code = _within(120, lambda: main(["build", str(site), *expected.args]))
    printed = capsys.readouterr()

    assert code != 3, f"crash on bad input:\n{printed.err}"
    assert code == expected.exit, f"{expected.what}\n{printed.err}"
    for line in expected.stderr:
        assert line in printed.err, f"missing {line!r} in:\n{printed.err}"
    assert snapshot(site, skip=("output", ".timeline-cache")) == before_site, \
        "the build changed files outside output/ and .timeline-cache/"
    assert snapshot(home) == before_home
    assert (out / USER_FILE).read_text() == "news.example.org\n", "a user's file was lost"
    if code != 0:
        assert snapshot(out) == before_out, "a failed build touched output/"
        assert not expected.present
        return
    text = site_text(out)
    for needle in expected.present:
        assert needle in text, f"{needle!r} is not in the built site"
    for needle in expected.absent:
        assert needle not in text, f"{needle!r} leaked into the built site"
    events = json.dumps([[e["title"], e["summary"], e["date"], [s["quote"] for s in e["sources"]]]
                         for e in json.loads((out / "events.json").read_text())["events"]])
    for needle in expected.event:
        assert needle in events, f"no event has {needle!r}"
    for needle in expected.no_event:
        assert needle not in events, f"an event has {needle!r}: {events}"
    if expected.links:
        assert broken_links(out) == []


def test_every_case_is_checked() -> None:
    """Each case folder has an 'expected' file; generated ones have their generator."""
    names = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert names, "no cases found"
    for name in names:
        expected = read_expected(CASES / name / "expected")
        assert expected.generated == (name in GENERATORS), name
        # a site has content/, except the case about articles put beside it
        assert expected.generated or (CASES / name / "site" / "content").is_dir() or (
            name == "articles-outside-content"), name
    assert set(GENERATORS) <= names


def test_broken_link_checker_can_fail(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<a href="missing/">x</a><a href="#nope">y</a>'
                                         '<a id="here" href="#here">z</a>')
    assert broken_links(tmp_path) == ["index.html: missing/", "index.html: #nope (no such anchor)"]


def test_messages_are_compiler_style(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """file:line: severity: message, one problem per line, then one summary line."""
    shutil.copytree(CASES / "published-not-date" / "site", tmp_path / "site")
    assert main(["build", str(tmp_path / "site")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    pattern = re.compile(r"^content/[\w./-]+:\d+: (error|warning): .+")
    assert [line for line in lines[:-1] if not pattern.match(line)] == []
    assert len(lines) == 6


def test_ampersands_and_stars_in_plain_values_are_no_aliases() -> None:
    data, problems = parse_front_matter("title: Q&A on the *new* bridge\ntags: [a&b]\n",
                                        PurePosixPath("a.md"))
    assert problems == [] and data == {"title": "Q&A on the *new* bridge", "tags": ["a&b"]}
