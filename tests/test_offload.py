"""Event pages rendered and staged by a helper process (timeline.offload): the same bytes
as when rendered in the build's own process; its failures leave output/ as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from timeline import offload
from timeline.build import build_timeline, make_cache
from timeline.config import load_config
from timeline.output import STAGING_PREFIX
from timeline.render import event_pages, plan_pages
from timeline.theme import load_theme

REPO = Path(__file__).resolve().parent.parent


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the example site (its articles and configuration)."""
    if not (REPO / "content").is_dir():
        pytest.skip("no example corpus in this checkout")
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "timeline.toml", root / "timeline.toml")
    return root


BUILD = """
import os, signal, sys, threading, time
from pathlib import Path
from timeline import offload
from timeline.build import build, make_cache
from timeline.config import load_config
from timeline.errors import TimelineError

site, out, mode = sys.argv[1:]
on_disk = mode.startswith("disk ")  # with the site's cache, and so the last build's record
mode = mode.removeprefix("disk ")
count = mode.startswith("count ")  # say how many cards this process took from the helper
mode = mode.removeprefix("count ")
cards_taken = []
card_of = offload.EventPageHelper._card

def counted_card(self, event_id):
    if count:  # every card made first: the count does not depend on who is faster
        self._sender.join()
    found = card_of(self, event_id)
    cards_taken.append(found is not None)
    return found

offload.EventPageHelper._card = counted_card
early = mode.startswith("early ")  # a spare helper, started before extraction workers
mode = mode.removeprefix("early ")
if early:
    from timeline import parallel
    parallel.MIN_PARALLEL = 1
offload.MIN_PAGES = 10**9 if mode == "alone" else 1
offload.EARLY = 1 if early else 10**9
extracted = []
spawned = []
spawn = offload.Process.spawn

def counted_spawn():
    spawned.append(spawn())
    if early:
        print("spawned", "before extracting" if not extracted else "later")
    return spawned[-1]

offload.Process.spawn = staticmethod(counted_spawn)
jobs = 1 if mode == "one job" else 2
started = []
real = offload.EventPageHelper.start

helpers = []

def start(self, out_dir, staging):
    started.append(len(self.paths))
    helpers.append(self)
    real(self, out_dir, staging)

offload.EventPageHelper.start = start
if mode in ("shared", "both"):
    # shared: the helper is sent two chunks of 4, and this process takes the rest; both:
    # once this process starts taking pages (slowly), the helper goes on being sent some
    offload.CHUNK = offload.SHARE = 4
    claim = offload.EventPageHelper._claim
    taking = threading.Event()
    after = []

    def limited(self, count):
        if threading.current_thread().name != "timeline-send":
            taking.set()
            time.sleep(0.02)
        elif len(self._sent) >= 8:
            if mode == "shared":
                return []
            taking.wait()
        found = claim(self, count)
        if taking.is_set() and threading.current_thread().name == "timeline-send" and found:
            after.append(len(found))
        return found

    offload.EventPageHelper._claim = limited
    take_back = offload.EventPageHelper.take_back

    def taken(self):
        back = list(take_back(self))
        print("taken back", len(back) if mode == "shared" else bool(back))
        if mode == "both":
            print("sent meanwhile", bool(after))
        return back

    offload.EventPageHelper.take_back = taken
if mode == "no python":  # the helper cannot start: this process renders every page
    sys.executable = os.path.join(os.path.dirname(out), "no-such-python")
if mode == "spare killed":  # the early helper ended before it was needed: another starts
    take = offload.Spare.take

    def killed_first(self):
        if self._process is not None:
            self._process.popen.kill()
            self._process.popen.wait()
        return take(self)

    offload.Spare.take = killed_first
if mode == "killed":
    def start(self, out_dir, staging):
        started.append(len(self.paths))
        real(self, out_dir, staging)
        os.kill(self._process.pid, signal.SIGKILL)

    offload.EventPageHelper.start = start
config = load_config(Path(site), output_dir=out)
seen = []
try:
    build(config, cache=make_cache(config, use_disk=on_disk), jobs=jobs,
          progress=lambda stage, done, total: seen.append((done, total)) if stage == "writing"
          else extracted.append(done) if stage == "extracting" else None)
    rising = all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    print("progress", "rising to", seen[-1][0], "of", seen[-1][1] if rising else seen)
except TimelineError as exc:
    print(type(exc).__name__, exc)
if any(p.popen.returncode is None for p in spawned):
    print("a helper still runs")
if count:
    print("cards from the helper", sum(cards_taken))
print("helpers", *started)
"""
"""A build in a new process, which keeps what it patches to itself: ``alone`` renders
every page itself, other modes use a helper from the first page on (but not ``one job``,
as ``--jobs 1``): ``shared`` one that is sent only 8 of them (this process stages the
others), ``both`` one that goes on being sent pages once this process takes some too,
``no python`` one that cannot start, ``killed`` one that is killed at once. Prefixed
``count``, it says how many cards it took from the helper. Prefixed ``early``, a helper
process is started before extraction (offload.Spare); ``early spare killed`` kills that
one before it is given its work. Prints (``early``) when each helper process started, what
the build raised, whether a helper still runs, and how many pages each helper was given."""


def _build(site: Path, out: Path, mode: str = "helped", cwd: Path | None = None) -> list[str]:
    """What the build printed, less the progress line when it rose to every file; run in
    ``cwd`` (not first on the build's path)."""
    done = subprocess.run([sys.executable, "-P", "-c", BUILD, str(site), str(out), mode],
                          capture_output=True, text=True, check=True, cwd=cwd)
    files = len(_files(out)) - 1  # the manifest is not counted
    return [line for line in done.stdout.splitlines()
            if line != f"progress rising to {files} of {files}"]


def test_helper_writes_the_same_site(site: Path) -> None:
    said = _build(site, site / "helped")
    events = len([p for p in _files(site / "helped") if p.startswith("events/")])
    assert said == [f"helpers {events}"] and events > 40
    assert _build(site, site / "alone", "alone") == ["helpers"]
    assert _build(site, site / "one", "one job") == ["helpers"]  # --jobs 1: one process
    assert _files(site / "helped") == _files(site / "alone")
    assert _build(site, site / "shared", "shared") == [f"taken back {events - 8}",
                                                       f"helpers {events}"]
    assert _files(site / "shared") == _files(site / "alone")
    assert _build(site, site / "both", "both") == ["taken back True", "sent meanwhile True",
                                                   f"helpers {events}"]
    assert _files(site / "both") == _files(site / "alone")
    assert _build(site, site / "fallback", "no python") == [f"helpers {events}"]
    assert _files(site / "fallback") == _files(site / "alone")


def test_a_helper_started_before_extraction_writes_the_same_site(site: Path) -> None:
    """A build with many articles to extract starts its helper first (offload.Spare): the
    same site; unused (too few pages, or one job), it is stopped; so it is when the build
    fails before writing, which then writes nothing. Ended before it was needed, another
    one starts."""
    said = _build(site, site / "early", "early helped")
    events = len([p for p in _files(site / "early") if p.startswith("events/")])
    assert said == ["spawned before extracting", f"helpers {events}"] and events > 40
    assert _build(site, site / "helped") == [f"helpers {events}"]
    assert _files(site / "early") == _files(site / "helped")
    assert _build(site, site / "early alone", "early alone") == [
        "spawned before extracting", "helpers"]
    assert _files(site / "early alone") == _files(site / "helped")
    assert _build(site, site / "one", "early one job") == ["helpers"]  # no spare: one process
    assert _build(site, site / "again", "early spare killed") == [
        "spawned before extracting", "spawned later", f"helpers {events}"]
    assert _files(site / "again") == _files(site / "helped")
    (site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n",
                                                encoding="utf-8")
    said = _build(site, site / "failed", "early helped")
    assert said[0] == "spawned before extracting" and said[1].startswith("BuildFailed")
    assert said[2:] == ["helpers"] and not (site / "failed").exists()


def test_the_helper_makes_the_cards_of_the_timeline_pages(site: Path) -> None:
    """Besides each event's page, the helper makes its card for the page showing it in the
    timeline (a year or month page of a split index), which this process then copies
    instead of rendering: the same site. A card template that shows its page's own values
    keeps every card here, and so does an index that is not split (which this process
    renders before the helper has made many)."""
    said = _build(site, site / "unsplit", "count helped")
    assert said[0] == "cards from the helper 0" and said[1].startswith("helpers ")
    config = (site / "timeline.toml").read_text(encoding="utf-8")
    (site / "timeline.toml").write_text("index_limit = 12\n" + config, encoding="utf-8")
    said = _build(site, site / "helped", "count helped")
    events = len([p for p in _files(site / "helped") if p.startswith("events/")])
    assert said[-1] == f"helpers {events}" and said[0].startswith("cards from the helper ")
    assert said[0] == f"cards from the helper {events}"
    assert any(p.startswith("years/") for p in _files(site / "helped"))
    assert _build(site, site / "alone", "alone") == ["helpers"]
    assert _files(site / "helped") == _files(site / "alone")
    theme = site / "themes" / "default"
    theme.mkdir(parents=True)
    (theme / "_date.html").write_text(  # _event.html includes it
        "{{ year.label if year is defined else '' }}", encoding="utf-8")
    assert _build(site, site / "page values", "count helped") == [
        "cards from the helper 0", f"helpers {events}"]
    assert _build(site, site / "page values alone", "alone") == ["helpers"]
    assert _files(site / "page values") == _files(site / "page values alone")


def test_the_helper_imports_this_timeline_not_one_in_the_current_folder(site: Path) -> None:
    """A build run from a folder holding another `timeline` package (a checkout of another
    version) has a helper running this one's code, as the build does."""
    decoy = site.parent / "elsewhere"
    (decoy / "timeline").mkdir(parents=True)
    (decoy / "timeline" / "__init__.py").write_text("raise SystemExit(3)\n", encoding="utf-8")
    said = _build(site, site / "helped", cwd=decoy)
    events = len([p for p in _files(site / "helped") if p.startswith("events/")])
    assert said == [f"helpers {events}"] and events > 40
    assert _build(site, site / "alone", "alone") == ["helpers"]
    assert _files(site / "helped") == _files(site / "alone")


def test_helper_rewrites_only_changed_event_pages(site: Path) -> None:
    out = site / "output"
    _build(site, out)
    page = next(p for p in _files(out) if p.startswith("events/"))
    (out / page).write_bytes(b"edited by hand")
    before = {p: os.stat(out / p).st_mtime_ns for p in _files(out)}
    assert _build(site, out)[-1].startswith("helpers ")
    after = {p: os.stat(out / p).st_mtime_ns for p in _files(out)}
    assert (out / page).read_bytes() != b"edited by hand"
    assert [p for p in after if after[p] != before[p]] == [page]


def test_after_an_edit_the_helper_gets_the_changed_pages_only(site: Path) -> None:
    """With the cache, an edit sends the helper only the event pages it changed, which need
    not be neighbours; the site is the one the same edit gives without a helper."""
    alone = site.parent / "alone"
    shutil.copytree(site, alone)
    said = {}
    for root, mode in ((site, "disk helped"), (alone, "disk alone")):
        _build(root, root / "output", mode)
        article = sorted((root / "content").rglob("*.md"))[3]
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("\n\n", "\n\nThe harbour board met on 30 April "
                                        "2024 to approve the new quay.\n\n", 1),
                           encoding="utf-8")
        said[mode] = _build(root, root / "output", mode)
    helped = said["disk helped"]
    assert len(helped) == 1 and helped[0].startswith("helpers ")
    given = int(helped[0].split()[1])
    events = len([p for p in _files(site / "output") if p.startswith("events/")])
    assert 0 < given < events / 2, (given, events)
    assert said["disk alone"] == ["helpers"]
    assert _files(site / "output") == _files(alone / "output")


def _breaks(site: Path, mode: str, prepare: Callable[[], None]) -> str:
    """A first build succeeds; after ``prepare``, the next (in ``mode``) fails and leaves
    output/ byte for byte as the first left it, with no staging folder. Returns what it
    raised."""
    out = site / "output"
    _build(site, out)
    before = _files(out)
    (site / "content" / "late.md").write_text(
        "---\ntitle: Late\npublished: 2024-05-02\n---\n\n"
        "The harbour board met on 30 April 2024 to approve the new quay.\n", encoding="utf-8")
    prepare()
    said = _build(site, out, mode)
    assert _files(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert said[-1].startswith("helpers "), said
    return "\n".join(said[:-1])


def test_a_template_error_in_the_helper_is_reported(site: Path) -> None:
    def broken_theme() -> None:
        (site / "themes" / "default").mkdir(parents=True)
        (site / "themes" / "default" / "event.html").write_text(
            '{% extends "base.html" %}{% block timeline %}{{ event.nope.deeper }}'
            "{% endblock %}", encoding="utf-8")

    said = _breaks(site, "helped", broken_theme)
    assert said.startswith("ThemeError") and "event.html" in said


def test_a_killed_helper_fails_the_build(site: Path) -> None:
    said = _breaks(site, "killed", lambda: None)
    assert said.startswith("OutputError") and "exit code -9" in said


def test_no_helper_for_few_pages_or_for_pages_showing_more(site: Path) -> None:
    """Below MIN_PAGES, and for an event.html that shows the whole site or event cards
    (which the helper cannot render from the events alone), pages are rendered here."""
    config = load_config(site)
    pages = event_pages(plan_pages(build_timeline(config, make_cache(config, False)), config,
                                   load_theme(config)).render)
    assert pages is not None and pages.portable()
    paths = list(pages.index)
    assert offload.helper_for(pages, paths, config) is None  # 54 pages, below MIN_PAGES
    assert offload.helper_for(pages, paths * 50, config) is not None
    for body in ("{{ timeline.events|length }}", "{{ event_card(event) }}",
                 "{% for e in events %}{% endfor %}"):
        theme = site / "themes" / "default"
        theme.mkdir(parents=True, exist_ok=True)
        (theme / "_date.html").write_text(body, encoding="utf-8")  # event.html includes it
        theme_pages = event_pages(plan_pages(build_timeline(config, make_cache(config, False)),
                                             config, load_theme(config)).render)
        assert theme_pages is not None and not theme_pages.portable(), body
        assert offload.helper_for(theme_pages, paths * 50, config) is None


def test_the_helper_gets_the_articles_text_only_if_event_pages_may_show_it(site: Path) -> None:
    """The documents sent to the helper lose their text unless event.html (or what it
    includes) may read it; a theme whose event pages quote it gets the same pages from the
    helper as without."""
    config = load_config(site)
    timeline = build_timeline(config, make_cache(config, False))
    pages = event_pages(plan_pages(timeline, config, load_theme(config)).render)
    assert pages is not None and all(doc.body == "" for doc in pages.documents())
    theme = site / "themes" / "default"
    theme.mkdir(parents=True)
    (theme / "_date.html").write_text(
        '<span class="opening">{{ docs[event.citations[0].document].body[:40] }}</span>',
        encoding="utf-8")
    pages = event_pages(plan_pages(timeline, config, load_theme(config)).render)
    assert pages is not None and pages.portable()
    assert [doc.body for doc in pages.documents()] == [doc.body for doc in timeline.documents]
    assert _build(site, site / "helped")[-1].startswith("helpers ")
    assert _build(site, site / "alone", "alone") == ["helpers"]
    helped = _files(site / "helped")
    assert helped == _files(site / "alone")
    assert any(b'<span class="opening">' in data and b'<span class="opening"></span>' not in data
               for path, data in helped.items() if path.startswith("events/"))


def test_a_plan_makes_its_digests_only_when_they_are_read(
        site: Path, keys_made: list[int]) -> None:
    """A first build hands its event pages to the helper before the site's keys exist (they
    are needed only to compare with an earlier build, and to record this one): the plan's
    paths and event pages come without them, and its digests make them once."""
    config = load_config(site)
    timeline = build_timeline(config, make_cache(config, False))
    made = keys_made
    plan = plan_pages(timeline, config, load_theme(config))
    paths = list(plan.render)
    pages = event_pages(plan.render)
    assert pages is not None and pages.portable() and len(pages.index) == len(timeline.events)
    assert offload.helper_for(pages, list(pages.index) * 50, config) is not None
    assert made == []
    digests = dict(plan.digests)
    assert made == [1]
    assert list(digests) == paths and all(len(d) == 32 for d in digests.values())
    assert dict(plan.digests) == digests and made == [1]
    assert digests == dict(plan_pages(timeline, config, load_theme(config)).digests)
