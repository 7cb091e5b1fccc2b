"""The command line: exit codes 0, 1 and 2 (never 3 for bad input), messages, new and clean."""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from timeline.cli import main
from timeline.errors import ContentError
from timeline.extract import explain_apart
from timeline.merge import Merger
from timeline.model import Citation, Event, Timeline
from timeline.output import STAGING_PREFIX, Stager

ARTICLE = """---
title: "Bridge reopens"
source: "Example Gazette"
published: 2025-03-14
---
The Kessel bridge reopened on Thursday after repairs.
"""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "timeline" in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-such-option"]) == 2
    assert main([]) == 2
    assert main(["serve", "--port", "99999"]) == 2  # was an OverflowError from bind()
    assert "99999 is not a port (0 to 65535)" in capsys.readouterr().err
    assert main(["extract", "a.md", "--published", "9999-12-31"]) == 2
    assert "out of range: 9999-12-31" in capsys.readouterr().err


def test_new_site_where_none_can_be_made_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("in the way", encoding="utf-8")
    assert main(["new", str(tmp_path / "file" / "site")]) == 1  # was a FileNotFoundError
    err = capsys.readouterr().err
    assert "error: cannot make the site: Not a directory" in err, err
    assert (tmp_path / "file").read_text(encoding="utf-8") == "in the way"


def test_build_ok(make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 0
    data = json.loads((site / "output" / "events.json").read_text())
    assert data["version"] == 1
    [event] = data["events"]
    assert event["date"]["start"] == "2025-03-13"
    assert event["sources"][0]["document"] == "a"
    assert "1 documents, 1 events" in capsys.readouterr().out


def test_a_build_turns_the_collector_off_only_when_the_process_ends_after_it(
        make_site: Callable[..., Path]) -> None:
    """`timeline build` exits at once (cli.run): the collector, which would walk every
    object of the build once more, stays off. Called as a function, main() leaves it on."""
    site = make_site({"content/a.md": ARTICLE})
    assert gc.isenabled()
    assert main(["build", "-q", str(site)]) == 0
    assert gc.isenabled()
    try:
        assert main(["build", "-q", str(site)], then_exit=True) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_timings_name_each_stage_and_add_up_to_the_build(
        make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": ARTICLE})
    for flags, stages in ((["--quiet"], ["read", "extract", "merge", "write"]),
                          ([], ["read"])):  # the second build: nothing changed
        assert main(["build", str(site), "--timings", *flags]) == 0
        out, err = capsys.readouterr()
        [line] = [line for line in err.splitlines() if line.startswith("timings: ")]
        said = re.fullmatch(r"timings: (.*) \((\d+\.\d\d) s in all\)", line)
        assert said is not None, line
        parts = [re.fullmatch(r"(\w+) (\d+\.\d\d) s", p) for p in said[1].split(", ")]
        assert all(parts) and [p[1] for p in parts if p] == stages, line
        total = sum(float(p[2]) for p in parts if p)
        assert abs(total - float(said[2])) <= 0.005 * len(parts) + 1e-9, line
        assert ("nothing changed" in out) == (stages == ["read"])
    assert main(["build", str(site)]) == 0
    assert "timings" not in capsys.readouterr().err


def test_errors_are_compiler_style_and_all_reported(
        make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({
        "content/good.md": ARTICLE,
        "content/bad.md": "---\ntitle: A: B\n---\nText on 1 May 2024.\n",
        "content/worse.md": "---\npublished: someday\n---\nText.\n",
    })
    assert main(["build", str(site)]) == 1
    err = capsys.readouterr().err
    assert "content/bad.md:2: error: front matter: mapping values are not allowed" in err
    assert "content/worse.md:2: error: 'published' is not a date" in err
    assert "Build failed: 2 errors" in err
    assert not (site / "output").exists()


def test_failed_build_leaves_previous_output_identical(
        make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 0
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    (site / "content" / "b.md").write_text("---\n[unclosed\n---\nx\n")
    assert main(["build", str(site)]) == 1
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert after == before


def test_warnings_fail_only_with_strict(make_site: Callable[..., Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": "---\ncolour: red\n---\nThe fair opened on Monday.\n"})
    assert main(["build", str(site)]) == 0
    assert "warning: unknown front matter key 'colour'" in capsys.readouterr().err
    assert main(["build", "--strict", str(site)]) == 1


def test_documents_not_in_english_get_one_warning(make_site: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Only English time expressions are read: say so once for all the other documents,
    rather than let their events go missing without a word."""
    site = make_site({
        "content/a.md": ARTICLE,
        "content/fr.md": "---\npublished: 2026-02-03\nlanguage: fr\n---\n"
                         "Le ministre est arrivé à Oslo le 1er février 2026.\n",
        "content/cs.md": "---\npublished: 2026-02-03\nlanguage: cs-CZ\n---\n"
                         "Ministr přijel do Osla 1. února 2026.\n",
        "content/gb.md": "---\npublished: 2026-02-03\nlanguage: en-GB\n---\n"
                         "The minister arrived in Oslo on 1 February 2026.\n",
        "content/us.md": "---\npublished: 2026-02-03\nlanguage: English\n---\n"
                         "The minister left Oslo on 2 February 2026.\n",
    })
    assert main(["build", str(site)]) == 0
    err = capsys.readouterr().err
    assert err.count("not in English") == 1
    assert "2 documents not in English (content/cs.md, content/fr.md; cs-CZ, fr)" in err
    assert main(["build", "--strict", str(site)]) == 1


def test_config_problems_all_at_once(make_site: Callable[..., Path],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"timeline.toml": 'titel = "x"\ndrafts = "yes"\n[dates]\ndate_order = "X"\n',
                      "content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 1
    err = capsys.readouterr().err
    assert "timeline.toml:1: error: unknown key 'titel' (hint: did you mean 'title'?)" in err
    assert "timeline.toml:2: error: 'drafts' must be true or false" in err
    assert "'dates.date_order' must be one of" in err


def test_unexpected_exception_exits_3(monkeypatch: pytest.MonkeyPatch,
                                      make_site: Callable[..., Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import timeline.build

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(timeline.build, "build_timeline", boom)
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 3
    assert "bug in timeline" in capsys.readouterr().err


def test_the_command_exits_at_once_with_its_output_whole_and_its_code(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`python -m timeline` ends with os._exit (cli.run): what it printed must still all
    arrive through a pipe, with main()'s exit code; a reader gone gives 141 as after
    SIGPIPE, not a bug's 3."""
    path = tmp_path / "long.txt"
    path.write_text("".join(f"Talks were held on {d} March 2025.\n" for d in range(1, 29)) * 40)
    command = [sys.executable, "-m", "timeline"]
    done = subprocess.run([*command, "extract", "--json", "--published", "2025-04-01",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["expressions"]) == 28 * 40  # not cut short
    bad = make_site({"content/a.md": ARTICLE, "content/b.md": "---\ntitle: [\n---\nText.\n"})
    failed = subprocess.run([*command, "build", str(bad)], capture_output=True, text=True,
                            timeout=120)
    assert failed.returncode == 1
    assert "b.md" in failed.stderr and failed.stderr.rstrip().endswith(".")
    reader, writer = os.pipe()
    os.close(reader)
    closed = subprocess.run([*command, "extract", "--published", "2025-04-01", str(path)],
                            stdout=writer, stderr=subprocess.DEVNULL, timeout=120)
    os.close(writer)
    assert closed.returncode == 141


def test_new_makes_a_site_that_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "fresh"
    assert main(["new", str(site)]) == 0
    assert main(["build", str(site)]) == 0
    events = json.loads((site / "output" / "events.json").read_text())["events"]
    assert len(events) >= 2
    assert main(["new", str(site)]) == 1


def test_clean_removes_only_what_we_wrote(make_site: Callable[..., Path],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 0
    (site / "output" / "CNAME").write_text("example.org\n")
    assert (site / ".timeline-cache").is_dir()
    assert main(["clean", str(site)]) == 0
    assert sorted(p.name for p in (site / "output").iterdir()) == ["CNAME"]
    assert not (site / ".timeline-cache").exists()


def test_extract_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "note.txt"
    path.write_text("The vote was held on Sunday. Results came on 2 March 2025.\n")
    assert main(["extract", "--json", "--published", "2025-03-05", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["published_from"] == "override"
    found = [(e["text"], e["value"], e["start"], e["end"]) for e in data["expressions"]]
    body = path.read_text()
    assert found == [("Sunday", "2025-03-02", body.index("Sunday"), body.index("Sunday") + 6),
                     ("2 March 2025", "2025-03-02", body.index("2 March"),
                      body.index("2 March") + 12)]
    assert main(["extract", str(path)]) == 0
    assert "XXXX-WXX-7" in capsys.readouterr().out


def test_explain_event_and_document(make_site: Callable[..., Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 0
    event = json.loads((site / "output" / "events.json").read_text())["events"][0]
    capsys.readouterr()
    assert main(["explain", event["id"], str(site)]) == 0
    out = capsys.readouterr().out
    assert "the last Thursday on or before 2025-03-14" in out
    assert main(["explain", "content/a.md", str(site)]) == 0
    assert "published: 2025-03-14 (front-matter" in capsys.readouterr().out
    assert main(["explain", "nothing-like-this", str(site)]) == 1


def test_compare_says_why_two_events_are_two(make_site: Callable[..., Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    other = ARTICLE.replace("Bridge reopens", "Harbour master resigns").replace(
        "The Kessel bridge reopened on Thursday after repairs.",
        "The harbour master Ilse Brandt resigned on Thursday.")
    site = make_site({"content/a.md": ARTICLE, "content/b.md": other})
    assert main(["build", str(site)]) == 0
    events = json.loads((site / "output" / "events.json").read_text())["events"]
    assert len(events) == 2
    first, second = events[0]["id"], events[1]["id"]
    capsys.readouterr()
    assert main(["compare", first, second[:6], str(site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"events {first} (13 Mar 2025: ") and f" and {second} (" in out
    assert "are two:\n  the most alike of their reports are a (sentence 1) and b (sentence 1)" \
        in out and "below the bar of 0.50" in out, out
    assert main(["compare", first, "nothing-like-this", str(site)]) == 1
    assert "no event 'nothing-like-this'" in capsys.readouterr().err


@pytest.mark.parametrize(("tty", "quiet", "shown"), [(True, False, True), (True, True, False),
                                                     (False, False, False)])
def test_the_progress_bar_shows_only_on_a_terminal_without_quiet(
        make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tty: bool, quiet: bool, shown: bool) -> None:
    """(The bar waits a second before it shows; here it shows at once.)"""
    import functools
    import sys

    from timeline import cli

    monkeypatch.setattr(cli, "_ProgressBar", functools.partial(cli._ProgressBar, delay=0.0))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site), *(["--quiet"] if quiet else [])]) == 0
    err = capsys.readouterr().err
    assert ("extracting [" in err and "writing    [" in err) == shown
    assert ("\r" in err) == shown
    if shown:  # the line is cleared at the end, and the last drawing is of all files
        assert err.endswith("\r\033[K")
        manifest = (site / "output" / ".timeline-manifest.json").read_text()
        written = len(json.loads(manifest)["files"])
        assert f"{written}/{written} files" in err


def test_the_progress_bar_redraws_at_most_ten_times_a_second(
        capsys: pytest.CaptureFixture[str]) -> None:
    from timeline import cli

    bar = cli._ProgressBar(delay=0.0)
    now = [100.0]
    bar.clock, bar.started = (lambda: now[0]), now[0]
    for i in range(1, 101):
        bar("writing", i, 100)
    drawn = capsys.readouterr().err.count("\r")
    assert drawn == 2  # the first and the last
    bar("merging", 0, 1)  # a new stage is drawn at once
    assert "merging    [" in capsys.readouterr().err


def test_sigterm_while_writing_leaves_output_as_it_was(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM (kill, a CI timeout) during a build unwinds as Ctrl-C does: exit code 143,
    output/ byte for byte as the last build left it, no staging folder, and the handler
    that was there before is back."""
    site = make_site({"content/a.md": ARTICLE})
    assert main(["build", str(site)]) == 0
    out = site / "output"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "content" / "b.md").write_text(ARTICLE.replace("Kessel", "Ostra"), encoding="utf-8")
    stage = Stager.stage

    def killed(self: Stager, rel: str, data: bytes) -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        return stage(self, rel, data)

    monkeypatch.setattr(Stager, "stage", killed)
    handler = signal.getsignal(signal.SIGTERM)
    assert main(["build", str(site)]) == 143
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert signal.getsignal(signal.SIGTERM) is handler


def test_compare_says_when_an_id_prefix_fits_several_events() -> None:
    def event(event_id: str) -> Event:
        return Event(id=event_id, date=None, title=event_id, summary=event_id,
                     citations=(Citation("a", 0, 1, event_id),))

    timeline = Timeline(documents=(), events=(event("abcd12"), event("abcd34"),
                                              event("ffff00")), extractions={})
    with pytest.raises(ContentError) as raised:
        explain_apart(timeline, Merger(), "abcd", "9999")
    assert [p.message for p in raised.value.problems] == [
        "'abcd' starts the ids of 2 events", "no event '9999'"]
    assert raised.value.problems[0].hint == "give more of the id"
