"""The one-pass scanner finds exactly what every pattern's own finditer finds (issue 7), and
results pickled between processes come back equal."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from pathlib import PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import patterns
from timeline.lexicon import FUTURE_CUES, PAST_CUES
from timeline.model import Document
from timeline.regex_starts import Scanner, StartIndex, start_prefixes

# Pieces that make the rules fire, overlap and almost fire, with arbitrary noise mixed in.
PIECES = ["the", "The", "past", "last", "next", "two", "a few", "several", "3", "12", "2021",
          "1990s", "'90s", "week", "weeks", "year", "years", "days ago", "earlier", "later",
          "May", "may", "March", "Mar.", "Sept.", "1 March", "March 1", "Friday", "Fri.",
          "morning", "spring", "fall", "Q3", "H1", "FY21", "fiscal", "quarter", "half",
          "first", "second", "noon", "5 p.m.", "10:30", "2024-09-10", "3/4/2021", "12.10.20",
          "Christmas", "Easter Monday", "New Year's Day", "nineteen ninety-six",
          "two thousand", "every", "daily", "twice a year", "the end of", "beginning of",
          "since", "before", "after", "will", "said", "announced", "is expected to", "'ll",
          "won't", "decades", "century", "20th", "of", "in", ",", ".", "-", "–", "—", "%",
          "$", "\n", "  ", "\t", "ſpring", "PERİOD", "K", "Ǆ", "day", "night", "tonight",
          "now", "currently", "recent", "the day before", "that week", "year-ago"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)),
                 max_size=40).map(" ".join) | st.lists(st.sampled_from(PIECES),
                                                       max_size=30).map("".join)


def _reference_candidates(text: str) -> list[patterns.Candidate]:
    """find_candidates as it was before the scanner: every rule's finditer, hint first."""
    found = []
    lower = text.lower()
    for order, (name, pattern) in enumerate(patterns.RULES):
        hint = patterns._HINTS.get(name)
        if hint is not None and not any(re.search(r"\d", text) if word == patterns._DIGIT
                                        else word in lower for word in hint):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1] in " ,-–":
                end -= 1
            if end > start:
                groups = {k: v for k, v in match.groupdict().items() if v}
                found.append((start, -(end - start), order,
                              patterns.Candidate(name, start, end, groups)))
    found.sort(key=lambda item: (item[1], item[0], item[2]))
    taken: list[patterns.Candidate] = []
    for _, _, _, cand in found:
        if any(cand.start < t.end and t.start < cand.end for t in taken):
            continue
        if any(reject(text, cand) for _, _, reject in patterns.FILTERS):
            continue
        taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken


def _by_finditer(scanner: Scanner, text: str) -> list[tuple[int, tuple[int, int]]]:
    return sorted((order, m.span()) for order, pattern in enumerate(scanner.patterns)
                  for m in pattern.finditer(text))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_find_candidates_matches_every_rules_own_scan(text: str) -> None:
    assert patterns.find_candidates(text) == _reference_candidates(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_cue_scanner_matches_finditer(text: str) -> None:
    scanner = Scanner([FUTURE_CUES, PAST_CUES], r"\b", 7)
    assert sorted((o, m.span()) for o, m in scanner.matches(text)) == _by_finditer(scanner,
                                                                                     text)


def test_examples_that_look_like_traps() -> None:
    for text in ["It ends at the end\nof the year.", "He left  two\tweeks ago.",
                 "In ſpring 2020, and in the PERİOD.", "'90s", "at 5 p.m. Friday",
                 "1/2/2020", "Q1 and H2 2021 and FY21", "", " ", "x" * 300]:
        assert patterns.find_candidates(text) == _reference_candidates(text), text


def test_prefixes_of_a_simple_pattern() -> None:
    found = start_prefixes(re.compile(r"(?<!\w)(?:ab?c|d\d+)"), 3)
    assert found == {("a", "b", "c"), ("a", "c"), ("d", r"[\d]"), ("d", r"[\d]", r"[\d]")}
    assert start_prefixes(re.compile(r"x?"), 3) is None  # may match nothing: try everywhere
    ignorecase = start_prefixes(re.compile(r"(?i:ab)"), 3)
    assert ignorecase == {("(?i:a)", "(?i:b)")}


def test_unmodelled_constructs_let_anything_follow() -> None:
    # After a back-reference the index cannot tell what comes, so anything may.
    index = StartIndex([re.compile(r"(a)\1b"), re.compile(r"zz")], 4)
    assert index.candidates("aaab") == (0,)
    assert index.candidates("aXYZ") == (0,)
    assert index.candidates("zz") == (1,)
    assert index.candidates("b") == ()


def test_a_lead_inside_an_alternation_is_not_trusted() -> None:
    scanner = Scanner([re.compile(r"\bfoo|bar")], r"\b", 4)
    assert [m.group() for _, m in scanner.matches("foobar xbar")] == ["foo", "bar", "bar"]


def test_vetoed_patterns_find_nothing() -> None:
    scanner = Scanner([re.compile(r"\bab"), re.compile(r"\bcd")], r"\b", 2)
    asked = []

    def wanted(order: int) -> bool:
        asked.append(order)
        return order == 1

    found = scanner.matches("ab cd ab cd", wanted)
    assert [(o, m.group()) for o, m in found] == [(1, "cd"), (1, "cd")]
    assert sorted(asked) == [0, 1]  # once each, when it first matched


def test_results_pickled_between_processes_come_back_equal() -> None:
    from multiprocessing.reduction import ForkingPickler

    from timeline import parallel  # registers the reducers
    from timeline.build import extract
    from timeline.temporal import Settings

    assert parallel.MIN_PARALLEL > 0
    body = ("MOSCOW, 3 March 2025 — Talks began on Monday and will resume next week, "
            "two days after the 1990s deal. Q3 profit rose.")
    doc = Document(id="d", path=PurePosixPath("d.md"), title="t", source=None, url=None,
                   published=dt.date(2025, 3, 5), published_from="front-matter",
                   published_note="", language="en", tags=("x",), draft=False,
                   format="markdown", body=body, body_line=3, digest="0",
                   meta={"title": "t"})
    extraction = extract(doc, Settings())
    assert extraction.mentions and extraction.events
    for value in (doc, extraction):
        assert pickle.loads(ForkingPickler.dumps(value)) == value
