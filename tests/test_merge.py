"""The merge kept up to date edit by edit (the dev server's) is exactly the merge from
scratch (a build's), and so are the ids given to its events."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from timeline import groups, merge, similarity
from timeline.build import build
from timeline.config import load_config
from timeline.dates import day_span, month_span, season_span, week_span, year_span
from timeline.ids import IdState, assign_ids
from timeline.merge import Merger, merge_events
from timeline.model import Citation, DateSpan, Event
from timeline.similarity import coarse, weight_count

NAMES = ("Sergei Shoigu", "Choigou", "Wang Yi", "Ilse Brandt", "Lai Ching-te", "Kemal Aydın",
         "Aydin", "Park Ji-woo", "Ahmed Farouk", "Faruq")
WORDS = ("port", "strike", "talks", "grain", "border", "treaty", "signed", "visited", "phone",
         "summit", "ceasefire", "energy", "railway", "fishing", "rally", "arrested", "aid",
         "election", "launched", "parade", "harbour", "workers", "walked", "out", "customs",
         "lanes", "shipping", "metals", "satellite", "bridge", "ferry", "drills")
WORD_WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]  # a few common, many rare
QUOTES = ("“a new chapter”", "“no deal yet”", "“a historic day”")

Docs = dict[str, tuple[Event, ...]]


def _span(rng: random.Random) -> DateSpan | None:
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(130))
    kind = rng.random()
    if kind < 0.04:
        return None
    span = day_span(day) if kind < 0.55 else week_span(day) if kind < 0.65 else \
        month_span(day.year, day.month) if kind < 0.82 else \
        season_span(2023 + rng.randrange(2), rng.choice(["SP", "SU", "WI"])) if kind < 0.93 \
        else year_span(2024)
    return replace(span, approximate=True) if rng.random() < 0.15 else span


def _event(rng: random.Random, doc: str, sentence: int) -> Event:
    words = list(dict.fromkeys(rng.choices(WORDS, WORD_WEIGHTS, k=rng.randint(2, 6))))
    actors = tuple(rng.sample(NAMES, rng.randint(0, 2)))
    title = " ".join([*(a.split()[-1] for a in actors), *words]).capitalize()
    summary = title + (f" {rng.choice(QUOTES)}" if rng.random() < 0.2 else "") + "."
    quote = f"{summary} ({rng.randrange(3)})"
    return Event(id="", date=_span(rng), title=title, summary=summary,
                 citations=(Citation(doc, sentence, sentence + 3, quote, "on the day"),),
                 planned=rng.random() < 0.1, actors=actors)


def _document(rng: random.Random, doc: str) -> tuple[Event, ...]:
    events, sentence = [], 0
    for _ in range(rng.randint(1, 6)):
        sentence += rng.random() < 0.75  # some sentences report two happenings
        events.append(_event(rng, doc, sentence))
    return tuple(events)


def _edit(rng: random.Random, docs: Docs, serial: list[int]) -> None:
    """One edit of a site: an article added, removed, changed, saved unchanged, or many
    articles replaced at once (a git checkout)."""
    roll = rng.random()
    if roll < 0.2 or len(docs) < 3:
        for _ in range(rng.choice([1, 1, 2])):
            serial[0] += 1
            docs[f"doc{serial[0]}"] = _document(rng, f"doc{serial[0]}")
    elif roll < 0.35:
        del docs[rng.choice(sorted(docs))]
    elif roll < 0.85:
        doc = rng.choice(sorted(docs))
        events = list(docs[doc])
        op = rng.randrange(5)
        k = rng.randrange(len(events))
        if op == 0:
            events[k] = _event(rng, doc, events[k].citations[0].sentence)
        elif op == 1:
            events.append(_event(rng, doc, events[-1].citations[0].sentence + 1))
        elif op == 2 and len(events) > 1:
            del events[k]
        elif op == 3:
            events[k] = replace(events[k], date=_span(rng))
        else:  # the same report twice (rarely the very same object)
            events.insert(k, events[k] if rng.random() < 0.2 else replace(events[k]))
        docs[doc] = tuple(events)
    elif roll < 0.95:
        doc = rng.choice(sorted(docs))
        docs[doc] = tuple(list(docs[doc]))  # saved again: equal, not the same tuple
    else:
        for doc in rng.sample(sorted(docs), len(docs) // 2):
            docs[doc] = _document(rng, doc)


def _run(seed: int, steps: int, start: int) -> Merger:
    """Edit a random site ``steps`` times; after each edit, compare the kept merge and ids
    with a merge and ids from scratch."""
    rng = random.Random(seed)
    serial = [0]
    docs: Docs = {}
    for _ in range(start):
        serial[0] += 1
        docs[f"doc{serial[0]}"] = _document(rng, f"doc{serial[0]}")
    kept = Merger()
    memo = IdState()
    previous: dict[str, str] = {}
    foreign: set[str] = set()
    for _ in range(steps):
        if rng.random() < 0.2:  # documents in another language than the site's
            foreign = set(rng.sample(sorted(docs), len(docs) // 4))
        expected = Merger().update(docs, foreign)
        staged = Merger()  # as a build does: each document staged as it is extracted
        for doc in rng.sample(sorted(docs), len(docs)):
            staged.stage(doc, docs[doc])
        assert staged.update(docs, foreign) == expected
        for doc in rng.sample(sorted(docs), len(docs) // 3):  # known ones are left alone;
            # candidates staged from other events than the update's are not used
            kept.stage(doc, docs[doc] if rng.random() < 0.7 else _document(rng, doc))
        assert kept.update(docs, foreign) == expected
        if not foreign:
            assert merge_events(e for events in docs.values() for e in events) == expected
        published = {doc: date(2024, 1, 1) + timedelta(days=int(doc[3:]) % 7) for doc in docs}
        fresh_ids = assign_ids(expected, published, previous)
        kept_ids = assign_ids(kept.update(docs, foreign), published, previous, memo)
        assert kept_ids == fresh_ids
        previous = kept_ids[1]
        _edit(rng, docs, serial)
    return kept


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds scaled down to a site of a few hundred candidates, so that every rule the
    incremental merge must follow fires: coarse counts, keys that start and stop pairing,
    buckets that overflow."""
    monkeypatch.setattr(similarity, "EXACT_COUNT", 64)
    monkeypatch.setattr(similarity, "COUNT_BITS", 3)
    monkeypatch.setattr(similarity, "EXACT_DF", 6)
    monkeypatch.setattr(similarity, "DF_BITS", 2)
    monkeypatch.setattr(merge, "BLOCK_MIN", 14)
    monkeypatch.setattr(merge, "BLOCK_LIMIT", 9)
    monkeypatch.setattr(merge, "RESTART_SHARE", 0.5)


@pytest.mark.parametrize("seed", range(12))
def test_kept_merge_equals_merge_from_scratch(seed: int, small_steps: None) -> None:
    kept = _run(seed, steps=30, start=40)
    assert kept.restarts < 15, "the kept merge should mostly update, not start over"


@pytest.mark.parametrize("seed", range(3))
def test_kept_merge_equals_merge_from_scratch_with_real_thresholds(seed: int) -> None:
    _run(100 + seed, steps=15, start=30)


def test_pairs_left_out_are_only_those_whose_dates_cannot_match() -> None:
    """A candidate dated to a year or a season is not paired with the day reports of its
    buckets (whose dates it can never share), and with everyone else it is; so is it after
    edits."""
    rng = random.Random(5)
    docs = {f"doc{i}": _document(rng, f"doc{i}") for i in range(300)}
    kept = Merger()
    kept.update(docs)
    for step in range(4):
        cands = [c for _, cs in kept._docs.values() for c in cs]
        left_out = 0
        for u in (c for c in cands if c.months is None and c.event.date is not None):
            bucketed = set().union(*(kept._yearly.get((year, k), set()) for year in u.years
                                     for k in u.feats.keys
                                     if kept._df[k] <= kept._limit
                                     and len(kept._yearly.get((year, k), ())) <= merge.BLOCK_LIMIT))
            for v in bucketed - {u}:
                if v not in u.pairs:
                    left_out += 1
                    assert v.fine and not similarity.compatible(u.event.date, v.event.date)
                else:
                    assert not v.fine
        assert left_out > 50 or step > 0
        docs[f"doc{step}"] = _document(rng, f"doc{step}")  # an edit: the kept merge goes on
        assert kept.update(docs) == Merger().update(docs)


def test_an_edit_scores_only_the_pairs_it_touches(small_steps: None) -> None:
    rng = random.Random(7)
    docs = {f"doc{i}": _document(rng, f"doc{i}") for i in range(80)}
    kept = Merger()
    kept.update(docs)
    everything = kept.rescored
    docs["doc3"] = (*docs["doc3"][:-1], _event(rng, "doc3", 9))  # one report rewritten
    assert kept.update(docs) == Merger().update(docs)
    assert kept.restarts == 1
    assert 0 < kept.rescored < everything / 5
    docs["doc4"] = tuple(list(docs["doc4"]))
    kept.update(docs)
    assert kept.rescored == 0


def test_reports_of_one_happening_merge_and_others_do_not() -> None:
    def report(doc: str, text: str, day: int, actors: tuple[str, ...]) -> Event:
        return Event(id="", date=day_span(date(2025, 3, day)), title=text, summary=text,
                     citations=(Citation(doc, 1, 5, text),), actors=actors)

    merged = merge_events([
        report("a", "Dock workers began a strike at the port of Lindqvist", 3, ("Lindqvist",)),
        report("b", "Dock workers at the port of Lindqvist walked out", 3, ("Lindqvist",)),
        report("c", "The harbour master Ilse Brandt resigned", 3, ("Ilse Brandt",)),
        report("d", "Dock workers began a strike at the port of Lindqvist", 4, ("Lindqvist",)),
    ])
    assert sorted(tuple(c.document for c in e.citations) for e in merged) == \
        [("a", "b"), ("c",), ("d",)]
    both = next(e for e in merged if len(e.citations) == 2)
    assert both.merge_notes and "same date" in both.merge_notes[0]


def test_counts_keep_their_leading_binary_digits() -> None:
    assert coarse(63, 64, 4) == 63
    assert coarse(1000, 64, 4) == 960 and coarse(1023, 64, 4) == 960
    assert coarse(1024, 64, 4) == 1024
    assert weight_count(10) == 30  # small sites are weighed exactly, as before
    assert weight_count(9000) == 8704


def test_name_spellings_fold_to_one_key() -> None:
    variants = ("Shoigu", "Choigou", "Čoig", "Shoygu", "Šojgu", "Schoigu", "Szojgu", "Шойгу")
    assert {similarity.fold_name(v) for v in variants} == {similarity.fold_name("Shoigu")}
    assert similarity.fold_name("Лавров") == similarity.fold_name("Lavrov")
    assert similarity.fold_name("Lavrov") != similarity.fold_name("Shoigu")
    # German and Polish w, French and German k for Arabic q
    assert similarity.fold_name("Lawrow") == similarity.fold_name("Lavrov")
    assert similarity.fold_name("Kowalenko") == similarity.fold_name("Kovalenko")
    assert similarity.fold_name("Faruq") == similarity.fold_name("Farouk")
    assert similarity.fold_name("Irak") == similarity.fold_name("Iraq")
    # German j and s (Selenskyj, Netanjahu), French -off (Medvedeff), Arabic al-
    for variants in (("Zelensky", "Zelenskyy", "Selenskyj", "Zelenski", "Зеленський"),
                     ("Netanyahu", "Netanjahu", "Nétanyahou"),
                     ("Medvedev", "Medwedew", "Medvedeff"), ("Lavrov", "Lavrof"),
                     ("Assad", "al-Assad", "Al-Assad")):
        assert len({similarity.fold_name(v) for v in variants}) == 1, variants
    assert similarity.fold_name("Zelensky") != similarity.fold_name("Lavrov")


REPORTS = {
    "en": ("en", "Foreign Minister Sergei Lavrov met Wang Yi in Beijing on 1 February 2026."),
    "fr": ("fr", "Le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin le 1er février 2026."),
    "cs": ("cs", "Ministr Sergej Lavrov jednal s Wang Iem v Pekingu 1. února 2026."),
    "ru": ("ru", "Министр Сергей Лавров встретился с Ван И в Пекине 1 февраля 2026 года."),
}


def test_reports_of_one_meeting_in_four_languages_merge(
        make_site: Callable[..., Path]) -> None:
    site = make_site({f"content/{name}.md": f"---\npublished: 2026-02-02\nlanguage: {lang}\n"
                      f"source: {name}\n---\n{text}\n"
                      for name, (lang, text) in REPORTS.items()})
    report = build(load_config(site))
    [event] = report.timeline.events
    assert {c.document for c in event.citations} == set(REPORTS)
    assert event.date == day_span(date(2026, 2, 1))
    # titled in English, though the Czech report names as many people
    assert event.title.startswith("Foreign Minister Sergei Lavrov met Wang Yi")
    assert event.actors[:2] == ("Foreign Minister Sergei Lavrov", "Wang Yi")


def test_a_report_of_what_was_said_merges_with_the_happening_it_reports(
        make_site: Callable[..., Path]) -> None:
    site = make_site({
        "content/a.md": "---\npublished: 2025-09-03\nsource: A\n---\nRussian Foreign Minister "
                        "Sergei Lavrov met Wang Yi in Beijing on Sunday.\n",
        "content/b.md": "---\npublished: 2025-09-03\nsource: B\n---\nLavrov told reporters on "
                        "Tuesday that he had met Wang Yi in Beijing on Sunday.\n"})
    [event] = build(load_config(site)).timeline.events
    assert {c.document for c in event.citations} == {"a", "b"}
    assert event.date == day_span(date(2025, 8, 31))


def test_reports_sharing_only_a_city_and_no_kind_of_happening_stay_apart(
        make_site: Callable[..., Path]) -> None:
    """A fire in a Beijing market and a meeting in Beijing, on one day: the city is all they
    share; the fire must not join the meeting's event, nor bring another meeting with it."""
    reports = ["On Sunday, Russian Security Council Secretary Sergei Shoigu met Chinese "
               "Foreign Minister Wang Yi in Beijing.",
               "Shoigu and Wang Yi held talks in Beijing on February 1, officials said.",
               "On Sunday, Chinese President Xi Jinping met Brazilian President Lula in Beijing.",
               "A fire broke out in a Beijing market on Sunday."]
    site = make_site({f"content/r{i}.md": f"---\npublished: 2026-02-03\nsource: S{i}\n---\n"
                      f"{text}\n" for i, text in enumerate(reports)})
    events = build(load_config(site)).timeline.events
    assert sorted(sorted(c.document for c in e.citations) for e in events) == [
        ["r0", "r1"], ["r2"], ["r3"]]


def test_a_day_goes_only_with_dates_of_at_most_a_month() -> None:
    day = day_span(date(2021, 11, 11))
    assert similarity.compatible(day, day_span(date(2021, 11, 11)))
    assert similarity.compatible(day, month_span(2021, 11))  # "in November"
    assert similarity.compatible(month_span(2021, 11), year_span(2021))
    assert not similarity.compatible(day, day_span(date(2021, 11, 12)))
    assert not similarity.compatible(day, year_span(2021))  # "in 2021"
    assert not similarity.compatible(day, season_span(2021, "FA"))  # "last autumn"
    about = replace(year_span(2021), approximate=True)  # "two years ago"
    assert not similarity.compatible(about, day)
    assert similarity.compatible(about, month_span(2021, 11))


def _report(doc: str, text: str, when: DateSpan, actors: tuple[str, ...]) -> Event:
    return Event(id="", date=when, title=text, summary=text,
                 citations=(Citation(doc, 1, 5, text),), actors=actors)


def test_reports_of_one_day_sharing_a_common_name_are_compared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and words in more candidates than the blocking limit pair nobody by month;
    two reports of one day that share such a name are still compared, and merge."""
    monkeypatch.setattr(merge, "BLOCK_MIN", 3)
    day = day_span(date(2025, 3, 4))
    reports = [_report("a", "Putin called Shoigu to discuss energy supplies", day,
                       ("Putin", "Shoigu")),
               _report("b", "Vladimir Putin held a phone call with Shoygu on energy supplies",
                       day, ("Vladimir Putin", "Shoygu"))]
    others = [_report(f"o{i}", f"Putin called Shoigu to discuss energy supplies ({i})",
                      day_span(date(2025, 3, 6 + 2 * i)), ("Putin", "Shoigu"))
              for i in range(8)]
    merged = merge_events(reports + others)
    assert len(merged) == 1 + len(others)
    assert [sorted(c.document for c in e.citations) for e in merged
            if len(e.citations) > 1] == [["a", "b"]]


def test_kinds_of_happening_read_from_common_wordings() -> None:
    assert similarity.kinds_of("the two sides struck a deal on grain exports") == {"agreement"}
    assert similarity.kinds_of("farouk sat down with park in seoul") == {"meeting"}
    assert similarity.kinds_of("a great deal of grain") == frozenset()


def test_a_call_and_a_visit_of_one_day_stay_apart() -> None:
    day = day_span(date(2024, 7, 9))
    visit = _report("a", "Wang Yi toured the Jakarta port security office and was received "
                    "by Aydın, officials said", day, ("Wang Yi", "Jakarta", "Aydın"))
    call = _report("b", "Wang Yi held a phone call with Aydın on Jakarta port security, "
                   "officials said", day, ("Wang Yi", "Aydın", "Jakarta"))
    by_phone = _report("c", "Wang Yi held talks by phone with Aydın on Jakarta port security",
                       day, ("Wang Yi", "Aydın", "Jakarta"))
    assert len(merge_events([visit, call])) == 2
    assert len(merge_events([call, by_phone])) == 1  # talks by phone are a call too


def test_reports_of_one_day_in_two_cities_stay_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Aydın's talks with Park in Beijing and Park's talks with Hartmann in Taipei, on one
    day: one shared name and the kind "meeting" were enough to merge them."""
    day = day_span(date(2019, 4, 10))
    beijing = _report("a", "Aydin met Park in Beijing for talks on rare earth metals", day,
                      ("Aydin", "Park", "Beijing"))
    taipei = _report("b", "Park held talks with Hartmann in Taipei about a ceasefire", day,
                     ("Park", "Hartmann", "Taipei"))
    visit = _report("c", "Hartmann visited Taipei for talks with Park about a ceasefire", day,
                    ("Hartmann", "Taipei", "Park"))
    assert similarity.features(beijing).places == {similarity.fold_name("Beijing")}
    assert similarity.features(visit).places == {similarity.fold_name("Taipei")}
    assert len(merge_events([beijing, taipei])) == 2
    assert len(merge_events([taipei, visit])) == 1
    # a country and its capital: the same landing, told alike enough to merge anyway
    taiwan = _report("d", "Nancy Pelosi arrived in Taiwan on a visit China had warned "
                     "against", day, ("Nancy Pelosi", "Taiwan", "China"))
    landing = _report("e", "Pelosi landed in Taipei despite warnings from China on a visit",
                      day, ("Pelosi", "Taipei", "China"))
    assert similarity.elsewhere(similarity.features(taiwan), similarity.features(landing))
    (merged,) = merge_events([taiwan, landing])
    assert "another place" in merged.merge_notes[0]
    monkeypatch.setattr(similarity, "PLACE_CONFLICT", 0.0)
    monkeypatch.setattr(similarity, "STRANGERS", 0.0)  # (Aydin and Hartmann: see below)
    assert len(merge_events([beijing, taipei])) == 1


def test_reports_sharing_only_a_place_and_a_kind_stay_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two meetings in one city on one day, between other people."""
    day = day_span(date(2021, 7, 22))
    first = _report("a", "Hartmann met Aydın in Geneva for talks on space cooperation", day,
                    ("Hartmann", "Aydın", "Geneva"))
    second = _report("b", "Lai sat down with Wang in Geneva to discuss energy supplies", day,
                     ("Lai", "Wang", "Geneva"))
    rally = _report("c", "Thousands rallied in Geneva against the new tax", day, ("Geneva",))
    march = _report("d", "A protest march filled the streets in Geneva", day, ("Geneva",))
    assert len(merge_events([first, second])) == 2
    assert len(merge_events([rally, march])) == 1  # nobody else named: the place is all
    monkeypatch.setattr(similarity, "PLACE_ONLY", 1.0)
    assert len(merge_events([first, second])) == 1


def test_two_tight_groups_alike_only_loosely_stay_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Putin's call with Shoigu and his call with Aydin on one day, each told twice: the
    groups share a name and a kind of happening, which alone would merge them (with the
    rule for reports naming other people off, which keeps them apart too)."""
    monkeypatch.setattr(similarity, "STRANGERS", 0.0)
    day = day_span(date(2019, 3, 27))
    shoigu = [_report(doc, "Putin spoke with Shoigu by telephone about energy supplies" + end,
                      day, ("Putin", "Shoigu")) for doc, end in (("a", ""), ("b", ", he said"))]
    aydin = [_report(doc, "Putin spoke with Aydin by telephone about space cooperation" + end,
                     day, ("Putin", "Aydin")) for doc, end in (("c", ""), ("d", ", he said"))]
    cited = [sorted(c.document for c in e.citations) for e in merge_events(shoigu + aydin)]
    assert sorted(cited) == [["a", "b"], ["c", "d"]]
    assert len(merge_events([*shoigu, aydin[0]])) == 1  # one loose report still joins
    monkeypatch.setattr(groups, "COHESION", 0.0)
    assert len(merge_events(shoigu + aydin)) == 1


def test_reports_dated_only_to_a_year_join_a_group_only_when_alike_with_all_of_it() -> None:
    """Single linkage chained every "X and Y last met in Z in 2019" of a corpus into one
    event (374 citations at 1,000 bench articles): with dates of a season or a year, a
    report joins a group only when it scored high enough with every report in it."""
    def report(doc: str, when: DateSpan) -> Event:
        return _report(doc, f"report {doc}", when, ())

    def merged(when: DateSpan, edges: list[tuple[float, int, int]]) -> list[list[str]]:
        found = groups.agglomerate([report(d, when) for d in "abc"], edges,
                                   lambda i, j, total: "")
        return sorted(sorted(c.document for c in e.citations) for _, e in found)

    chain = [(1.2, 0, 1), (0.8, 1, 2)]  # a-b alike, b-c alike, a-c not
    assert merged(year_span(2019), chain) == [["a", "b"], ["c"]]
    assert merged(year_span(2019), [*chain, (0.6, 0, 2)]) == [["a", "b", "c"]]
    assert merged(day_span(date(2019, 5, 3)), chain) == [["a", "b", "c"]]
    assert merged(month_span(2019, 5), chain) == [["a", "b", "c"]]


def test_reports_dated_only_to_a_year_must_agree_on_more_than_the_date(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def report(doc: str, text: str, actors: tuple[str, ...]) -> Event:
        return _report(doc, text, year_span(2019), actors)

    different = [report("a", "Lai Ching-te and Farouk last met in Nairobi in 2019",
                        ("Lai Ching-te", "Farouk", "Nairobi")),
                 report("b", "Maria Kovalenko and Farouk last met in Nairobi in 2019",
                        ("Maria Kovalenko", "Farouk", "Nairobi"))]
    same = [report("c", "Lai Ching-te and Farouk last met in Nairobi in 2019",
                   ("Lai Ching-te", "Farouk", "Nairobi")),
            report("d", "Lai and Ahmed Farouk last met in Nairobi in 2019",
                   ("Lai", "Ahmed Farouk", "Nairobi"))]
    assert len(merge_events(different)) == 2
    assert len(merge_events(same)) == 1
    monkeypatch.setattr(merge, "VAGUE_DATE_THRESHOLD", merge.SAME_DATE_THRESHOLD)
    monkeypatch.setattr(similarity, "STRANGERS", 0.0)
    assert len(merge_events(different)) == 1


def _why(events: list[Event], first: int, second: int) -> str:
    """Merger.why_apart of the merged events citing ``events[first]`` and
    ``events[second]`` (one event per document)."""
    merger = Merger()
    merged = merger.update({e.citations[0].document: (e,) for e in events})
    a, b = (next(m for m in merged if events[i].citations[0] in m.citations)
            for i in (first, second))
    assert a is not b
    why = merger.why_apart(a, b)
    assert why is not None and len(why) == 1
    return why[0]


def test_why_two_events_stay_apart_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similarity, "STRANGERS", 0.0)  # (see the test after this one)
    day = day_span(date(2019, 3, 27))
    shoigu = [_report(doc, "Putin spoke with Shoigu by telephone about energy supplies" + end,
                      day, ("Putin", "Shoigu")) for doc, end in (("a", ""), ("b", ", he said"))]
    aydin = [_report(doc, "Putin spoke with Aydin by telephone about space cooperation" + end,
                     day, ("Putin", "Aydin")) for doc, end in (("c", ""), ("d", ", he said"))]
    why = _why(shoigu + aydin, 0, 2)
    assert why.startswith("a (sentence 2) and c (sentence 2) scored") and "enough to merge" in why
    assert f"is below {groups.COHESION:.2f} x" in why, why
    # below the bar
    port = _report("e", "Dock workers walked out at the port", day, ())
    why = _why([shoigu[0], port], 0, 1)
    assert "below the bar of 0.50" in why and "score 0.000" in why, why
    # a call and a visit
    visit = _report("f", "Putin visited Shoigu at the ministry about energy supplies", day,
                    ("Putin", "Shoigu"))
    assert "a phone or video call and a meeting or visit" in _why([shoigu[0], visit], 0, 1)
    # dates that cannot be one
    later = _report("g", shoigu[0].title, day_span(date(2019, 3, 28)), ("Putin", "Shoigu"))
    why = _why([shoigu[0], later], 0, 1)
    assert "no two of their reports have dates that can be one date" in why
    assert "27 Mar 2019 and 28 Mar 2019" in why, why


def test_one_persons_meetings_with_others_on_one_day_stay_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Scholz met Zelensky and Netanyahu in Berlin on one day: the reports share Scholz,
    the place and the kind of happening, and each names a counterpart the other does not."""
    day = day_span(date(2025, 3, 3))
    zelensky = _report("a", "Ukrainian President Volodymyr Zelensky met Chancellor Olaf Scholz "
                       "in Berlin", day, ("Ukrainian President Volodymyr Zelensky",
                                          "Chancellor Olaf Scholz", "Berlin"))
    selenskyj = _report("b", "Wolodymyr Selenskyj held talks with Scholz in Berlin", day,
                        ("Wolodymyr Selenskyj", "Scholz", "Berlin"))
    netanyahu = _report("c", "Israeli Prime Minister Benjamin Netanyahu met Scholz in Berlin",
                        day, ("Israeli Prime Minister Benjamin Netanyahu", "Scholz", "Berlin"))
    # (the place ends with the title: not "Berlin Israeli Prime Minister ..." of the summary)
    assert similarity.features(netanyahu).places == {similarity.fold_name("Berlin")}
    cited = [sorted(c.document for c in e.citations)
             for e in merge_events([zelensky, selenskyj, netanyahu])]
    assert sorted(cited) == [["a", "b"], ["c"]]
    assert "each names people the other does not" in _why([zelensky, netanyahu], 0, 1)
    # first names and titles one report adds are the same person: no stranger
    xi = _report("d", "Chinese President Xi Jinping arrived in Moscow for a state visit", day,
                 ("Chinese President Xi Jinping", "Moscow"))
    landed = _report("e", "President Xi landed in Moscow and was met by Mishustin", day,
                     ("President Xi", "Moscow", "Mishustin"))
    assert len(merge_events([xi, landed])) == 1
    # not for happenings without parties: drills told with different names
    drills = _report("f", "The People's Liberation Army began drills around Taiwan", day,
                     ("People's Liberation Army", "Taiwan"))
    exercises = _report("g", "China began exercises around Taiwan after Lai took office", day,
                        ("China", "Taiwan", "Lai"))
    assert len(merge_events([drills, exercises])) == 1
    # reports told in the same words but for the counterpart stay apart too
    xi_met = _report("h", "On Monday, Putin met Xi in Moscow", day, ("Putin", "Xi", "Moscow"))
    modi_met = _report("i", "On Monday, Putin met Modi in Moscow", day,
                       ("Putin", "Modi", "Moscow"))
    assert len(merge_events([xi_met, modi_met])) == 2
    # nor does a third report, alike to each, bring the two into one event
    meetings = _report("j", "On Monday, Putin held meetings in Moscow", day, ("Putin", "Moscow"))
    cited = [sorted(c.document for c in e.citations)
             for e in merge_events([xi_met, modi_met, meetings])]
    assert sorted(cited) in ([["h", "j"], ["i"]], [["h"], ["i", "j"]])
    monkeypatch.setattr(similarity, "STRANGERS", 0.0)
    assert len(merge_events([zelensky, selenskyj, netanyahu])) == 1
    assert len(merge_events([xi_met, modi_met])) == 1
