"""Event ids survive a title edit and a new source joining the event, and follow their rule
exactly when kept up to date build after build."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_merge import _document, _edit

from timeline.build import build, make_cache
from timeline.config import load_config
from timeline.dates import day_span, sort_key
from timeline.ids import IdState, assign_ids, citation_key
from timeline.merge import Merger
from timeline.model import Citation, Event

FIRST = """---
title: "Strike at the port"
source: "Example Herald"
published: 2025-03-05
---
The port of Lindqvist was closed on 3 March 2025 when dock workers began a strike.

The harbour master, Ilse Brandt, resigned on 4 March 2025.
"""
EARLIER = """---
title: "Port workers walk out"
source: "Example Gazette"
published: 2025-03-04
---
Dock workers at the port of Lindqvist walked out on Monday over pay, closing the port.
"""


def _ids(site: Path) -> dict[str, tuple[str, list[str]]]:
    config = load_config(site)
    build(config, cache=make_cache(config))
    events = json.loads((config.output_dir / "events.json").read_text())["events"]
    return {e["id"]: (e["date"]["start"], sorted(s["document"] for s in e["sources"]))
            for e in events}


def test_ids_stable_across_title_edit_and_new_source(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/herald.md": FIRST})
    before = _ids(site)
    strike = next(i for i, (day, _) in before.items() if day == "2025-03-03")

    herald = site / "content" / "herald.md"
    herald.write_text(FIRST.replace("Strike at the port", "Port shut by strike"))
    assert _ids(site) == before

    # An earlier-published source joins the strike event: the id stays.
    (site / "content" / "gazette.md").write_text(EARLIER)
    after = _ids(site)
    assert after[strike] == ("2025-03-03", ["gazette", "herald"])
    assert set(before) <= set(after)


def test_ids_without_history_come_from_the_earliest_source(
        make_site: Callable[..., Path]) -> None:
    one = make_site({"content/herald.md": FIRST, "content/gazette.md": EARLIER}, name="a")
    two = make_site({"content/gazette.md": EARLIER, "content/herald.md": FIRST}, name="b")
    assert _ids(one) == _ids(two)


def _one_by_one(events: Sequence[Event], published: Mapping[str, date | None],
                previous: Mapping[str, str]) -> tuple[tuple[Event, ...], dict[str, str]]:
    """The rule itself, event by event: most votes first, then by founding citation; each
    takes the id most of its citations had, unless taken, else one made from its founder."""
    def founder(e: Event) -> str:
        return citation_key(min(e.citations, key=lambda c: (
            published.get(c.document) or date.max, c.document, c.sentence)))

    used: set[str] = set()
    done: list[Event] = []
    registry: dict[str, str] = {}
    for event in sorted(events, key=lambda e: (
            -sum(citation_key(c) in previous for c in e.citations), founder(e))):
        keys = [citation_key(c) for c in event.citations]
        votes = Counter(previous[k] for k in keys if k in previous)
        chosen = next((i for i, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                       if i not in used), None)
        if chosen is None:
            chosen = hashlib.sha1(founder(event).encode()).hexdigest()[:10]
            salt = 0
            while chosen in used:
                salt += 1
                chosen = hashlib.sha1(f"{founder(event)}/{salt}".encode()).hexdigest()[:10]
        used.add(chosen)
        registry.update(dict.fromkeys(keys, chosen))
        done.append(replace(event, id=chosen))
    done.sort(key=lambda e: (sort_key(e.date), e.title, e.id))
    return tuple(done), registry


@pytest.mark.parametrize("seed", range(16))
def test_ids_follow_the_one_by_one_rule_build_after_build(seed: int) -> None:
    """Sites edited build after build (events split, merge, come and go): the ids kept up
    to date equal the rule applied event by event, also when the registry was tampered with
    (two events then want one id, or an id made from a seed is already wanted)."""
    rng = random.Random(seed)
    serial = [0]
    docs = {f"doc{i}": _document(rng, f"doc{i}") for i in range(25)}
    serial[0] = 25
    merger, state = Merger(), IdState()
    previous: dict[str, str] = {}
    for _ in range(20):
        events = merger.update(docs)
        published = {d: date(2024, 1, 1) + timedelta(days=rng.randrange(5)) for d in docs}
        expected = _one_by_one(events, published, previous)
        assert assign_ids(events, published, previous, state) == expected
        assert assign_ids(events, published, previous) == expected
        previous = dict(expected[1])
        if seed % 2 and rng.random() < 0.3:
            ids = sorted(set(previous.values()))
            for key in rng.sample(sorted(previous), min(6, len(previous))):
                previous[key] = rng.choice(ids)
        if seed % 4 == 3 and rng.random() < 0.3:  # a key that an id made from it meets
            key = rng.choice(sorted(previous))
            previous[key] = hashlib.sha1(key.encode()).hexdigest()[:10]
        _edit(rng, docs, serial)


def test_an_event_that_loses_its_id_to_a_new_one_is_listed_once() -> None:
    def report(doc: str, sentence: int) -> Citation:
        return Citation(doc, sentence, sentence + 1, f"Report {sentence} of {doc}.", "today")

    day = day_span(date(2025, 3, 3))
    both = Event("", day, "Strike", "Strike.", (report("a", 1), report("b", 1)))
    later = Event("", day, "Strike", "Strike.", (report("b", 1),))
    published = {"a": date(2025, 3, 3), "b": date(2025, 3, 4)}
    state = IdState()
    first, registry = assign_ids([both], published, {}, state)
    second, registry = assign_ids([later], published, registry, state)
    assert second[0].id == first[0].id  # the report that stays keeps the id
    twin = replace(later)  # the same report again, an earlier event in the list
    third = assign_ids([twin, later], published, registry, state)
    assert third == _one_by_one([twin, later], published, registry)
    assert len({e.id for e in third[0]}) == 2
