"""Property-based tests: random text and random front matter never break the reader or the
time-expression finder, and every span they report lies inside the text."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from timeline.build import extract
from timeline.config import Config, load_config
from timeline.documents import read_document
from timeline.model import Document, Precision
from timeline.sentences import split_sentences
from timeline.similarity import KINDS, Features, kinds_of, mass, score
from timeline.temporal import Settings, find_document_mentions

_SITE = Path(tempfile.mkdtemp(prefix="timeline-props-"))
(_SITE / "content").mkdir()
CONFIG: Config = load_config(_SITE)
SETTINGS = Settings()

# Text that is mostly news-like, so the finder's rules fire, with arbitrary noise mixed in.
WORDS = ["on", "in", "the", "Sunday", "1 February", "Feb. 1, 2026", "2024-09-10", "May", "may",
         "march", "March", "44%", "of", "last", "next", "week", "year", "two days later",
         "since", "before", "after", "early", "mid-", "1990s", "Q3", "spring", "ago", "3",
         "2022", "10000", "0000-00-00", "BC", "Year of the Dragon", "25th anniversary", ".",
         ",", "\n", "\n\n", "—", "MOSCOW,", "said", "Xi", "Шойгу", "Čoig", "every", "hours",
         "at 3 p.m.", "yesterday", "today", "tomorrow", "this week", "February 30", "31/12",
         "12/31/2025", "fiscal", "quarter", "the 1st of May", "#", "*", "> ", "- ", "`",
         "5000 years ago", "9000 years later", "the day after", "two weeks before", "Friday",
         "99 decades ago", "a year after", "the eve of the summit on", "within a week of",
         "shortly before", "the following Monday", "which opened on", "a few weeks after"]
news_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)),
                     max_size=60).map(" ".join)
any_text = st.one_of(news_text, st.text(max_size=400))
anchors = st.one_of(st.none(), st.sampled_from([dt.date.min, dt.date.max]),
                    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                         st.text(max_size=30), st.dates(), st.sampled_from(
                             ["2026-02-30", "0000-00-00", "yesterday", "javascript:x()",
                              "https://example.org/a", "[", "{", ": :", "---"]))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=10)
front_keys = st.sampled_from(["title", "source", "url", "published", "date", "language",
                              "tags", "draft", "slug", "id", "", "x y"])
front_matter = st.dictionaries(st.one_of(front_keys, st.text(max_size=10)), yaml_values,
                               max_size=8)


def _doc(body: str, published: dt.date | None) -> Document:
    return Document(id="random", path=Path("random.md"), title="t", source=None, url=None,
                    published=published, published_from="front-matter" if published else "none",
                    published_note="", language="en", tags=(), draft=False, format="markdown",
                    body=body, body_line=1, digest="0")


def _read(raw: bytes) -> None:
    path = CONFIG.content_dir / "random.md"
    doc, problems = read_document(path, CONFIG.content_dir, CONFIG, raw=raw)
    assert doc is not None or problems, "a document was dropped without saying why"
    for p in problems:
        assert p.severity in ("error", "warning") and p.message
        assert p.line is None or p.line >= 1
    if doc is not None:
        assert isinstance(doc.body, str)
        assert doc.published is None or isinstance(doc.published, dt.date)
        assert doc.url is None or doc.url.lower().startswith(("http://", "https://"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=front_matter, body=any_text)
def test_random_front_matter_never_breaks_the_reader(meta: dict[str, object], body: str) -> None:
    try:
        head = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        head = repr(meta)
    _read(f"---\n{head}---\n{body}".encode())


@settings(max_examples=150, deadline=None)
@given(raw=st.one_of(st.binary(max_size=300), any_text.map(str.encode),
                     st.tuples(st.text(max_size=200), any_text).map(
                         lambda t: f"---\n{t[0]}\n---\n{t[1]}".encode())))
def test_random_bytes_never_break_the_reader(raw: bytes) -> None:
    _read(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=any_text, anchor=anchors)
@example(body="two weeks before 99 decades ago", anchor=dt.date(1000, 1, 1))  # the year 9
def test_time_expressions_lie_inside_the_text(body: str, anchor: dt.date | None) -> None:
    sentences = split_sentences(_doc(body, anchor))
    for s in sentences:
        assert 0 <= s.start <= s.end <= len(body)
        assert body[s.start:s.end] == s.text
    for m in find_document_mentions(sentences, anchor, SETTINGS):
        assert 0 <= m.start <= m.end <= len(body), m
        assert body[m.start:m.end] == m.text
        if m.span is not None:
            assert m.span.start <= m.span.end
            assert isinstance(m.span.precision, Precision)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=any_text, anchor=anchors)
def test_events_cite_real_sentences(body: str, anchor: dt.date | None) -> None:
    doc = _doc(body, anchor)
    extraction = extract(doc, SETTINGS)
    for event in extraction.events:
        assert event.title.strip()
        for c in event.citations:
            sentence = extraction.sentences[c.sentence]
            assert c.quote == sentence.text
            assert c.quote in body
        if event.date is not None:
            assert event.date.start <= event.date.end
            if anchor is not None and event.date.precision == Precision.DAY and \
                    all(m.resolved_by == "published-date" for m in extraction.mentions):
                # relative days never land on a day far from the anchor
                assert abs((event.date.start - anchor).days) < 400


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(
    st.sampled_from(["a.md", "b.txt", "c/d.markdown", "a.txt", "e f#%.md", "é.md"]),
    st.one_of(st.binary(max_size=200), any_text.map(str.encode),
              st.tuples(front_matter, any_text).map(
                  lambda t: ("---\n" + yaml.safe_dump(t[0], allow_unicode=True) + "---\n"
                             + t[1]).encode()))), min_size=1, max_size=4),
    toml=st.one_of(st.just(""), st.text(max_size=40), st.sampled_from(
        ['title = "x"', "drafts = 1", 'output_dir = "content"', "[dates]\ndate_order='MDY'"])))
def test_no_input_makes_the_build_crash(files: list[tuple[str, bytes]], toml: str) -> None:
    """Whatever the content and config, the command line exits 0 or 1, never 3 (a bug)."""
    import contextlib
    import io

    from timeline.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "timeline.toml").write_text(toml, encoding="utf-8")
        for name, raw in files:
            path = site / "content" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["build", str(site), "--quiet"])
        assert code in (0, 1), err.getvalue()
        written = {p for p in site.rglob("*") if p.is_file()}
        allowed = {site / "timeline.toml"} | {site / "content" / n for n, _ in files}
        assert all(p in allowed or p.is_relative_to(site / "output")
                   or p.is_relative_to(site / ".timeline-cache") for p in written)


_CUE_PIECES = sorted({c for cues in KINDS.values() for c in cues}
                     | {"s", "d", " ", "-", "x", "un", "at", "ed "})


@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=12))
@settings(max_examples=400, deadline=None)
def test_kinds_found_in_one_pass_are_those_each_cue_finds(pieces: list[str]) -> None:
    """kinds_of scans once with a trie pattern; every kind whose cue starts a word must be
    found, cues inside other cues' words included, and no other."""
    low = "".join(pieces)
    expected = {kind for kind, cues in KINDS.items()
                if any(re.search(r"\b" + re.escape(c), low) for c in cues)}
    assert kinds_of(low) == expected


_NAMES = ["xi", "lvrv", "shg", "park", "seoul", "beijing", "hanoi"]
_WORDS = ["w:talk", "w:border", "w:trade", "w:grain", "w:envoy", "w:summit", "w:deal"]
_features = st.builds(
    lambda names, words, quotes, kinds, places, actors: Features(
        frozenset(names), frozenset(words), frozenset(quotes), frozenset(kinds),
        (*sorted(names), *sorted(words), *sorted(quotes)),
        frozenset(places) & frozenset(names),
        tuple(tuple(sorted(set(a) & set(names))) for a in actors if set(a) & set(names))),
    st.sets(st.sampled_from(_NAMES), max_size=5), st.sets(st.sampled_from(_WORDS), max_size=6),
    st.sets(st.sampled_from(["q:we agreed", "q:a new era"]), max_size=1),
    st.sets(st.sampled_from(sorted(KINDS)), max_size=2),
    st.sets(st.sampled_from(_NAMES), max_size=2),
    st.lists(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=2), max_size=3))


@given(a=_features, b=_features, bar=st.sampled_from([0.5, 0.7, 0.8]),
       weights=st.lists(st.floats(0.05, 6.0), min_size=16, max_size=16))
@settings(max_examples=400, deadline=None)
def test_a_score_with_a_bar_is_the_score_whenever_it_reaches_the_bar(
        a: Features, b: Features, bar: float, weights: list[float]) -> None:
    """score() with a bar skips what cannot lift a pair over it (the words, when the names
    leave it below, and the penalties): it must reach the bar exactly when the full score
    does, and then be equal to it."""
    keys = [*_NAMES, *_WORDS, "q:we agreed", "q:a new era"]
    idf = dict(zip(keys, weights, strict=True))
    mass_a, mass_b = mass(a, idf), mass(b, idf)
    full = score(a, b, mass_a, mass_b, idf)
    bounded = score(a, b, mass_a, mass_b, idf, bar)
    assert (bounded >= bar) == (full >= bar)
    if full >= bar:
        assert bounded == full
