"""Stage 5's last step: merge one connected group of event candidates into events, the
best-scoring pair first (timeline.merge finds the groups and scores the pairs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from timeline.model import DateSpan, Event
from timeline.similarity import compatible, vague

COHESION = 0.75
"""Two groups of several reports each merge only through a pair scoring at least this
share of the best pair inside either: reports of one happening are alike, and a loose
likeness between two tight groups (one name and a kind of happening in common: Putin's
call with Shoigu and his call with Aydin on one day) marks two happenings."""


def same_span(a: DateSpan | None, b: DateSpan | None) -> bool:
    """Two dates covering the same days."""
    return a is not None and b is not None and (a.start, a.end) == (b.start, b.end)


def _finer(a: DateSpan | None, b: DateSpan | None) -> DateSpan | None:
    if a is None or b is None:
        return a or b
    if b.precision != a.precision:
        return b if b.precision > a.precision else a
    if (b.end - b.start) != (a.end - a.start):
        return b if (b.end - b.start) < (a.end - a.start) else a
    return a if a.approximate <= b.approximate else b


def combine(members: list[Event], notes: list[str],
            preferred: Callable[[Event], bool] | None = None) -> Event:
    """One event from the reports of one happening (in merge order): every citation, the
    finest date, the title and summary of the report naming most actors, among the
    ``preferred`` ones if any (reports in the site's language)."""
    if len(members) == 1 and not notes:
        only = members[0]
        if only.id == "" and not only.merge_notes and len(only.citations) == 1 and \
                len(set(only.actors)) == len(only.actors):
            return only  # what the general case below would build, equal in every field
    unique = dict.fromkeys(c for m in members for c in m.citations)
    citations = tuple(sorted(unique, key=lambda c: (c.document, c.sentence)))
    date = members[0].date
    for m in members[1:]:
        date = _finer(date, m.date)
    best = max(enumerate(members), key=lambda im: (
        preferred is None or preferred(im[1]), len(im[1].actors),
        -len(im[1].title) if len(im[1].title) > 90 else 0, -im[0]))[1]
    return Event(
        id="", date=date, title=best.title, summary=best.summary, citations=citations,
        planned=all(m.planned for m in members),
        actors=tuple(dict.fromkeys(a for m in (members if preferred is None else sorted(
            members, key=lambda m: not preferred(m))) for a in m.actors)),
        merge_notes=tuple(notes),
    )


Refused = Callable[[int, int, str], None]
"""Told of each pair (i, j) that scored high enough but did not merge, and why."""


def agglomerate(events: Sequence[Event], edges: list[tuple[float, int, int]],
                note: Callable[[int, int, float], str],
                preferred: Callable[[Event], bool] | None = None,
                refused: Refused | None = None,
                rivals: Callable[[int, int], bool] | None = None) -> list[tuple[int, Event]]:
    """Merge ``events`` (in merge order) along ``edges`` (score, i, j with i < j), the best
    first, never two reports of one sentence and never dates that cannot all match; return
    each merged event with the index of its first candidate. ``note(i, j, score)`` says why
    i and j merged; ``preferred`` is as in combine(); ``refused`` (timeline compare)
    hears why a pair did not merge its two groups; ``rivals(i, j)`` says two reports tell
    two happenings (one person's meetings with two others, too unlike to merge), which no
    group may hold both of, however alike a third report is to each."""
    if len(events) == 1:
        return [(0, combine([events[0]], [], preferred))]
    cluster_of = list(range(len(events)))
    joined: dict[int, list[int]] = {i: [i] for i in range(len(events))}
    spans = {i: {e.date} for i, e in enumerate(events)}
    cited = {i: {(e.citations[0].document, e.citations[0].sentence)}
             for i, e in enumerate(events)}
    notes: dict[int, list[str]] = {}
    linked: dict[int, set[int]] = {i: set() for i in range(len(events))}
    for _, i, j in edges:
        linked[i].add(j)
        linked[j].add(i)
    loose = {i: vague(e.date) for i, e in enumerate(events)}
    """Groups whose every report has a vague date (a season, a year)."""
    best: dict[int, float] = {}
    """The best pair inside each group of several reports."""
    for total, i, j in sorted(edges, key=lambda edge: (-edge[0], edge[1], edge[2])):
        first, second = cluster_of[i], cluster_of[j]
        if first == second:
            continue
        if cited[first] & cited[second]:
            if refused is not None:
                refused(i, j, "their events would cite one sentence twice")
            continue
        if not all(compatible(a, b) for a in spans[first] for b in spans[second]):
            if refused is not None:
                refused(i, j, "the dates of the reports already merged with each cannot "
                        "all be one date")
            continue
        if first in best and second in best and total < COHESION * min(best[first],
                                                                         best[second]):
            # two happenings, each told by several reports, alike only loosely
            if refused is not None:
                low = min(best[first], best[second])
                refused(i, j, f"each had already merged with other reports, and {total:.2f} "
                        f"is below {COHESION:.2f} x {low:.2f}, the best pair inside the "
                        "looser of the two")
            continue
        if loose[first] and loose[second] and not all(
                linked[a].issuperset(joined[second]) for a in joined[first]):
            # Dated to a season or a year only: a report joins only when alike with every
            # report of the group. "X and Y last met in Seoul in 2019" shares its date and
            # words with every such sentence of the year: one by one, single links made an
            # event of 374 citations about different people of 1,000 bench articles.
            if refused is not None:
                refused(i, j, "both are dated only to a season or a year, and not every "
                        "report of one scored high enough with every report of the other")
            continue
        if rivals is not None and any(rivals(min(a, b), max(a, b)) for a in joined[first]
                                      for b in joined[second]):
            if refused is not None:
                refused(i, j, "a report merged with one names a counterpart that one merged "
                        "with the other does not, and the other way round")
            continue
        keep, gone = min(first, second), max(first, second)
        best[keep] = max(total, best.pop(keep, total), best.pop(gone, total))
        loose[keep] = loose.pop(gone) and loose[keep]
        for k in joined[gone]:
            cluster_of[k] = keep
        joined[keep] += joined.pop(gone)
        spans[keep] |= spans.pop(gone)
        cited[keep] |= cited.pop(gone)
        notes[keep] = notes.get(keep, []) + notes.pop(gone, [])
        notes[keep].append(note(i, j, total))
    return [(key, combine([events[i] for i in sorted(group)], notes.get(key, []), preferred))
            for key, group in joined.items()]
