"""Stable event ids: an event keeps its id when its title changes or another source joins it.

Each citation has a key (document, the cited sentence's text and the dated expression). The
ids of the previous build are remembered per key (in ``.timeline-cache/ids.json``); an event
takes the id most of its citations had. A new event gets an id derived from its founding
citation: the one from the earliest-published document.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from timeline.dates import sort_key
from timeline.model import Citation, Event


def citation_key(c: Citation) -> str:
    """What identifies a report: its document, its sentence's words and its date phrase."""
    text = " ".join(c.quote.split()).casefold()
    raw = f"{c.document}\n{text}\n{c.date_text.casefold()}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _founder(event: Event, published: Mapping[str, date | None]) -> Citation:
    return min(event.citations, key=lambda c: (published.get(c.document) or date.max,
                                               c.document, c.sentence))


def assign_ids(events: Sequence[Event], published: Mapping[str, date | None],
               previous: Mapping[str, str]) -> tuple[tuple[Event, ...], dict[str, str]]:
    """Give every event a stable id; return the events (sorted) and the new key -> id map."""
    used: set[str] = set()
    done: list[Event] = []
    registry: dict[str, str] = {}
    # Events that keep an earlier id go first, so that a new event never takes it.
    order = sorted(events, key=lambda e: (-sum(citation_key(c) in previous for c in e.citations),
                                          citation_key(_founder(e, published))))
    for event in order:
        keys = [citation_key(c) for c in event.citations]
        votes = Counter(previous[k] for k in keys if k in previous)
        chosen = next((i for i, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                       if i not in used), None)
        if chosen is None:
            seed = citation_key(_founder(event, published))
            chosen = hashlib.sha1(seed.encode()).hexdigest()[:10]
            salt = 0
            while chosen in used:
                salt += 1
                chosen = hashlib.sha1(f"{seed}/{salt}".encode()).hexdigest()[:10]
        used.add(chosen)
        registry.update(dict.fromkeys(keys, chosen))
        done.append(replace(event, id=chosen))
    done.sort(key=lambda e: (sort_key(e.date), e.title, e.id))
    return tuple(done), registry
