"""Stable event ids: an event keeps its id when its title changes or another source joins it.

Each citation has a key (document, the cited sentence's text and the dated expression). The
ids of the previous build are remembered per key (in ``.timeline-cache/ids.json``); an event
takes the id most of its citations had. A new event gets an id derived from its founding
citation: the one from the earliest-published document.

Events are taken one by one, those with the most votes first (then by founding citation), and
each takes the first id it voted for that no earlier event took. That order only matters
between events that want the same id, so only those are sorted. The dev server keeps an
``IdState`` from one build to the next, and after an edit looks again only at the events the
edit changed and at those they compete with; the ids are those a build from scratch gives.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
from collections import Counter
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter, itemgetter

from timeline.dates import sort_key
from timeline.model import Citation, Event

Order = tuple[tuple[int, date, date, int], str]
"""Where an event comes in the timeline, before its id breaks ties: date, then title."""
Result = tuple[tuple[Event, ...], dict[str, str]]
"""The events with their ids, sorted, and the citation-key -> id map."""


@dataclass(eq=False, slots=True)
class Known:
    """What assign_ids worked out for one event, kept for the next build."""

    event: Event
    """The event (without id), compared by identity."""
    keys: tuple[str, ...]
    """Its citations' keys."""
    order: Order
    """Its place in the timeline."""
    named: dict[str, Event] = field(default_factory=dict)
    """The event with each id it was given."""
    chosen: str = ""
    """The id it was given last."""
    clean: bool = False
    """True when the registry maps each of its keys to its id (so it votes for its id alone,
    with all its keys, as long as the registry is the one given last)."""


class IdState:
    """The ids of the last build and how they were found (the dev server keeps one)."""

    def __init__(self) -> None:
        self.known: dict[int, Known] = {}
        """The events of the last build, by id()."""
        self.registry: dict[str, str] | None = None
        """The key -> id map given last."""
        self.citing: dict[str, list[Known]] = {}
        """The events citing each key."""
        self.holder: dict[str, Known] = {}
        """The event given each id."""
        self.rows: list[tuple[Order, str, Event]] = []
        """The events with ids as given last, sorted."""
        self.unclean: set[int] = set()
        """The id() of each event that is not clean (see Known.clean)."""


@functools.lru_cache(maxsize=262_144)
def citation_key(c: Citation) -> str:
    """What identifies a report: its document, its sentence's words and its date phrase."""
    text = " ".join(c.quote.split()).casefold()
    raw = f"{c.document}\n{text}\n{c.date_text.casefold()}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _founder(event: Event, published: Mapping[str, date | None]) -> Citation:
    return min(event.citations, key=lambda c: (published.get(c.document) or date.max,
                                               c.document, c.sentence))


def _seed(known: Known, published: Mapping[str, date | None]) -> str:
    """The key of the founding citation, which a new id is made from."""
    if len(known.keys) == 1:
        return known.keys[0]
    return citation_key(_founder(known.event, published))


def _new_id(seed: str, used: Container[str], *voted: Container[str]) -> str | None:
    """An id made from ``seed``, salted until unused; None when an id tried is one some
    event voted for (then only the one-by-one order gives the right answer)."""
    chosen = hashlib.sha1(seed.encode()).hexdigest()[:10]
    salt = 0
    while chosen in used or any(chosen in v for v in voted):
        if any(chosen in v for v in voted):
            return None
        salt += 1
        chosen = hashlib.sha1(f"{seed}/{salt}".encode()).hexdigest()[:10]
    return chosen


def _ballot(known: Known, previous: Mapping[str, str]) -> tuple[list[str], int]:
    """The ids an event votes for, most votes first, and its number of votes."""
    votes = [previous[k] for k in known.keys if k in previous]
    if len(votes) <= 1 or votes.count(votes[0]) == len(votes):
        return votes[:1], len(votes)
    ranked = sorted(Counter(votes).items(), key=lambda kv: (-kv[1], kv[0]))
    return [i for i, _ in ranked], len(votes)


def assign_ids(events: Sequence[Event], published: Mapping[str, date | None],
               previous: Mapping[str, str], state: IdState | None = None) -> Result:
    """Give every event a stable id; return the events (sorted) and the new key -> id map.

    With ``state`` (the dev server's), the work of the build that gave ``previous`` is
    reused for the events that did not change."""
    if state is not None and state.registry is not None and previous == state.registry:
        found = _update(state, events, published, previous)
        if found is not None:
            return found
    memo = state.known if state is not None else {}
    rows = []
    for event in events:
        seen = memo.get(id(event))
        if seen is None or seen.event is not event:
            seen = Known(event, tuple(citation_key(c) for c in event.citations),
                         (sort_key(event.date), event.title))
        rows.append((seen, *_ballot(seen, previous)))
    voted: dict[str, int] = {}
    for _, ranked, _ in rows:
        for i in ranked:
            voted[i] = voted.get(i, 0) + 1
    chosen = [ranked[0] if ranked and all(voted[i] == 1 for i in ranked) else ""
              for _, ranked, _ in rows]  # nobody else wants it
    queue = sorted((-count, _seed(seen, published), n)
                   for n, (seen, _, count) in enumerate(rows) if not chosen[n])
    used: set[str] = set()
    for _, seed, n in queue:
        picked = next((i for i in rows[n][1] if i not in used), None) or \
            _new_id(seed, used, voted)
        if picked is None:
            chosen = _one_by_one(rows, published)
            break
        chosen[n] = picked
        used.add(picked)
    registry = _registry(rows, chosen, published)
    done = []
    for n, (seen, _, _) in enumerate(rows):
        seen.chosen = chosen[n]
        done.append((seen.order, chosen[n], _named(seen)))
    done.sort(key=lambda row: (row[0], row[1]))
    if state is not None:
        _remember(state, [seen for seen, _, _ in rows], registry, done)
        if len(state.known) != len(rows):  # one event object twice: start afresh next time
            state.registry = None
    return tuple(row[2] for row in done), registry


def _named(known: Known) -> Event:
    """The event with the id it was given."""
    found = known.named.get(known.chosen)
    if found is None:
        found = known.named[known.chosen] = Event(known.chosen, *_BUT_ID(known.event))
    return found


_BUT_ID = attrgetter(*(f.name for f in fields(Event)[1:]))
"""An event's fields after its id (the first), for Event(new_id, *_BUT_ID(event)): what
dataclasses.replace(event, id=new_id) makes, for a third of its cost (30,000 events)."""
assert fields(Event)[0].name == "id"


def _one_by_one(rows: Sequence[tuple[Known, list[str], int]],
                published: Mapping[str, date | None]) -> list[str]:
    """The ids, event by event in order, for the rare case where an id made from a seed is
    one an event voted for."""
    order = sorted(range(len(rows)), key=lambda n: (-rows[n][2], _seed(rows[n][0], published),
                                                    n))
    used: set[str] = set()
    chosen = [""] * len(rows)
    for n in order:
        picked = next((i for i in rows[n][1] if i not in used), None) or \
            _new_id(_seed(rows[n][0], published), used)
        assert picked is not None
        chosen[n] = picked
        used.add(picked)
    return chosen


def _registry(rows: Sequence[tuple[Known, list[str], int]], chosen: list[str],
              published: Mapping[str, date | None]) -> dict[str, str]:
    """Each citation key -> the id of its event (of the one taken last, for a key that two
    events cite)."""
    registry: dict[str, str] = {}
    shared: dict[str, set[str]] = {}
    for n, (seen, _, _) in enumerate(rows):
        for k in seen.keys:
            prior = registry.get(k)
            if prior is not None and prior != chosen[n]:
                shared.setdefault(k, {prior}).add(chosen[n])
            registry[k] = chosen[n]
    if shared:
        index = {i: n for n, i in enumerate(chosen)}
        for k, ids in shared.items():
            last = max((index[i] for i in ids), key=lambda n: (
                -rows[n][2], _seed(rows[n][0], published), n))
            registry[k] = chosen[last]
    return registry


def _remember(state: IdState, known: list[Known], registry: dict[str, str],
              rows: list[tuple[Order, str, Event]]) -> None:
    state.known = {id(k.event): k for k in known}
    state.registry = dict(registry)  # the caller may change its own
    state.citing = {}
    for k in known:
        for key in k.keys:
            state.citing.setdefault(key, []).append(k)
    state.holder = {k.chosen: k for k in known}
    for k in known:
        k.clean = all(registry[key] == k.chosen for key in k.keys)
    state.unclean = {id(k.event) for k in known if not k.clean}
    state.rows = rows


def _update(state: IdState, events: Sequence[Event], published: Mapping[str, date | None],
            previous: Mapping[str, str]) -> Result | None:
    """assign_ids from the last build's work: only the events that changed, and those that
    want an id one of them wants, are looked at; None when that is not enough."""
    position = dict(zip(map(id, events), range(len(events)), strict=True))
    if len(position) != len(events):
        return None  # one event object twice
    # The state holds every event of the last build, so an id() it knows is that event.
    new = [Known(e, tuple(citation_key(c) for c in e.citations), (sort_key(e.date), e.title))
           for e in (events[n] for n in sorted(position[i] for i in position.keys() -
                                               state.known.keys()))]
    dirty = [state.known[i] for i in sorted(state.unclean & position.keys(),
                                            key=position.__getitem__)]
    gone = [state.known[i] for i in state.known.keys() - position.keys()]
    ballots = {k: _ballot(k, previous) for k in (*new, *dirty)}
    wanted: dict[str, int] = {}
    for ranked, _ in ballots.values():
        for i in ranked:
            wanted[i] = wanted.get(i, 0) + 1
    stays = {id(k) for k in (*new, *dirty, *gone)}
    rivals = [h for i in wanted if (h := state.holder.get(i)) is not None and id(h) not in stays]
    for h in rivals:  # a clean event whose id another event wants
        ballots[h] = ([h.chosen], len(h.keys))
    chosen: dict[Known, str] = {}
    queue = []
    for k, (ranked, count) in ballots.items():
        if ranked and all(wanted[i] == 1 and (state.holder.get(i) is None or id(
                state.holder[i]) in stays) for i in ranked) and k not in rivals:
            chosen[k] = ranked[0]
        else:
            queue.append((-count, _seed(k, published), position[id(k.event)], k))
    queue.sort(key=lambda row: row[:3])
    used: set[str] = set()
    for _, seed, _, k in queue:
        picked = next((i for i in ballots[k][0] if i not in used), None) or \
            _new_id(seed, used, wanted, state.holder)
        if picked is None:
            return None
        chosen[k] = picked
        used.add(picked)
    return _apply(state, published, previous, position, ballots, chosen, new, gone)


def _apply(state: IdState, published: Mapping[str, date | None],
           previous: Mapping[str, str], position: dict[int, int],
           ballots: dict[Known, tuple[list[str], int]], chosen: dict[Known, str],
           new: list[Known], gone: list[Known]) -> Result:
    """Bring the state and the registry up to date with the ids chosen."""
    registry = dict(previous)
    touched: set[str] = set()
    stale = [(k.order, k.chosen) for k in gone]
    for k in gone:
        for key in k.keys:
            citing = state.citing[key]
            citing.remove(k)
            if citing:
                touched.add(key)
            else:
                del state.citing[key]
                registry.pop(key, None)
        if state.holder.get(k.chosen) is k:
            del state.holder[k.chosen]
        del state.known[id(k.event)]
        state.unclean.discard(id(k.event))
    for k in new:
        state.known[id(k.event)] = k
        for key in k.keys:
            state.citing.setdefault(key, []).append(k)
    inserted = []
    for k, i in chosen.items():
        if k.chosen == i:
            continue
        if k.chosen:  # an event of the last build with another id now
            stale.append((k.order, k.chosen))
            if state.holder.get(k.chosen) is k:
                del state.holder[k.chosen]
        k.chosen = i
        inserted.append((k.order, k.chosen, _named(k)))
    for k in chosen:
        state.holder[k.chosen] = k
        for key in k.keys:
            if len(state.citing[key]) == 1:
                registry[key] = k.chosen
            else:
                touched.add(key)
    recheck = set(chosen)
    for key in touched:  # a key two events cite maps to the one taken last
        citing = state.citing.get(key, [])
        if not citing:  # its last event went
            continue
        last = max(citing, key=lambda k: (-ballots[k][1] if k in ballots else -len(k.keys),
                                          _seed(k, published), position[id(k.event)]))
        registry[key] = last.chosen
        recheck.update(citing)
    for k in recheck:
        k.clean = all(registry[key] == k.chosen for key in k.keys)
        (state.unclean.discard if k.clean else state.unclean.add)(id(k.event))
    rows = state.rows
    if len(stale) + len(inserted) > 64:
        gone_rows = set(stale)
        rows = sorted([r for r in rows if (r[0], r[1]) not in gone_rows] + inserted,
                      key=_row_key)
    else:
        for place in stale:  # rows are sorted, each (order, id) once
            at = bisect.bisect_left(rows, place, key=_row_key)
            assert _row_key(rows[at]) == place, "an id row went missing"
            del rows[at]
        for row in inserted:
            bisect.insort(rows, row, key=_row_key)
    state.rows, state.registry = rows, dict(registry)
    return tuple(map(itemgetter(2), rows)), registry


def _row_key(row: tuple[Order, str, Event]) -> tuple[Order, str]:
    return row[0], row[1]
