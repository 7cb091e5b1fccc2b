"""Stage 5: merge the reports of one happening from several sources into one event.

Two candidates merge when their dates are compatible (equal, or one inside the other) and
they share enough rare names, words, quoted phrases or kind of happening (see
timeline.similarity; names are folded, so Shoigu, Choigou and Čoig meet). Candidates are
compared only within date buckets that share a name or word, never all pairs. The pairs that
score high enough are merged best first, never two reports of one sentence and never dates
that cannot match.

A ``Merger`` keeps, between builds, every pair's score and the connected groups of the pairs
that scored high enough, each with its merged events. After an edit it scores again only the
pairs whose inputs moved and merges again only the groups they touch; since the best-first
merging never crosses a group, the result is exactly that of merging from scratch, which is
what ``merge_events`` (a new Merger's first update) does.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from operator import itemgetter

from timeline.dates import sort_key, span_label
from timeline.groups import Refused, agglomerate, combine, same_span
from timeline.model import DateSpan, Event, Precision
from timeline.similarity import (
    Features,
    compatible,
    features,
    mass,
    reason,
    score,
    sides,
    strangers,
    vague,
    weight,
    weight_count,
)

SAME_DATE_THRESHOLD = 0.5
NESTED_DATE_THRESHOLD = 0.7
VAGUE_DATE_THRESHOLD = 0.8
"""The bar when both dates are vague (a season, a year: see similarity.vague): "in 2019"
is every happening of 2019's date, so the reports must agree on more than that."""
BLOCK_LIMIT = 400
"""Date buckets of one key holding more candidates than this pair nobody."""
BLOCK_MIN, BLOCK_SHARE = 60, 0.02
"""Keys held by more than max(BLOCK_MIN, BLOCK_SHARE of the weight count) candidates are too
common to pair on; they still count in the score of pairs found through rarer keys."""
RESTART_SHARE = 0.25
"""An update that changes more than this share of the candidates starts from scratch."""
_APART = -1.0
"""The value of a pair whose dates cannot match (a pair's value is its score when that is
high enough to merge on, else 0.0)."""

SortKey = tuple[int, date, date, int]
Order = tuple[SortKey, str, int, str, int]
"""Where a candidate comes in the merge: its date, cited document and sentence, then the
document it was read from and how many candidates of that source and sentence precede it
(not its position in the source, which an edit elsewhere in the source would move)."""
Item = tuple[tuple[SortKey, str, Order], Event]
"""A merged event with its place in the result: date, title, first candidate."""
Block = tuple[int, str]
"""A date bucket: a month (year * 12 + month - 1), a year or a day (its ordinal), and a key."""
Sizes = dict[tuple[int, Block], int]
"""How full each bucket an update changes was before (by table: _YEARLY, _FINE, _DAILY)."""
_YEARLY, _FINE, _DAILY = 0, 1, 2


def _months(span: DateSpan) -> tuple[int, ...] | None:
    """Month numbers (year * 12 + month) a fine span touches; None for coarse spans."""
    if (span.end - span.start).days > 62:
        return None
    first = span.start.year * 12 + span.start.month - 1
    return tuple(range(first, span.end.year * 12 + span.end.month))


class _Cand:
    """One candidate: its event, its place in the merge order, its features and buckets, and
    the value of every pair it is in."""

    __slots__ = ("bounds", "day", "event", "feats", "fine", "group", "mass", "months", "order",
                 "pairs", "sides", "vague", "years")

    def __init__(self, event: Event, source: str, rank: int) -> None:
        first = event.citations[0]
        self.event = event
        self.order: Order = (sort_key(event.date), first.document, first.sentence, source, rank)
        self.feats: Features = features(event)
        span = event.date
        self.months = _months(span) if span is not None else None
        self.years: tuple[int, ...] = () if span is None else tuple(
            range(span.start.year, min(span.end.year, span.start.year + 10) + 1))
        self.day = span.start.toordinal() if span is not None and span.start == span.end \
            else None
        self.fine = span is not None and span.precision >= Precision.DAY and \
            self.months is not None
        """Dated to a day (or finer) within two months: never a date a coarse candidate's
        (a year, a season) can be (see similarity.compatible), so never paired with one."""
        self.bounds = None if span is None else (span.start, span.end)
        """Its first and last day (what decides whether two dates are one: same_span)."""
        self.vague = vague(span)
        self.sides = sides(self.feats)
        """A call and no meeting, a meeting and no call (see similarity.sides)."""
        self.mass = (0.0, 0.0)
        self.pairs: dict[_Cand, float] = {}
        self.group: _Group | None = None


def _ranked(events: Sequence[Event]) -> Iterator[tuple[Event, int]]:
    """Each event with how many events before it cite its first sentence (see Order)."""
    ranks: dict[tuple[str, int], int] = {}
    for event in events:
        first = event.citations[0]
        rank = ranks[first.document, first.sentence] = ranks.get(
            (first.document, first.sentence), -1) + 1
        yield event, rank


class _Group:
    """A connected group of candidates (through pairs that scored high enough) and the
    events merged from it."""

    __slots__ = ("items", "members")

    def __init__(self, members: list[_Cand], items: list[Item]) -> None:
        self.members = members
        self.items = items


class Merger:
    """The merge of the candidates of every document, kept up to date document by document."""

    def __init__(self) -> None:
        self.restarts = 0
        """How many updates started from scratch (for tests and benchmarks)."""
        self.rescored = 0
        """Pairs scored by the last update."""
        self._reset()

    def _reset(self) -> None:
        self._docs: dict[str, tuple[Sequence[Event], list[_Cand]]] = {}
        self._staged: dict[str, tuple[Sequence[Event], list[_Cand]]] = {}
        self._foreign: frozenset[str] = frozenset()
        self._df: dict[str, int] = {}
        self._holders: dict[str, set[_Cand]] = {}
        self._idf: dict[str, float] = {}
        self._fine: dict[Block, set[_Cand]] = {}
        self._yearly: dict[Block, set[_Cand]] = {}
        self._coarse: dict[Block, set[_Cand]] = {}
        self._daily: dict[Block, set[_Cand]] = {}
        self._n = 0
        self._count = weight_count(0)
        self._limit = BLOCK_MIN
        self._items: list[Item] = []

    def update(self, by_document: Mapping[str, Sequence[Event]],
               foreign: Collection[str] = frozenset()) -> tuple[Event, ...]:
        """The merged events of these documents' candidates (in merge order; no ids yet).
        A merged event takes its title from a report of a document not in ``foreign`` (not
        in the site's language) whenever it has one."""
        foreign = frozenset(foreign)
        relabel = foreign ^ self._foreign
        self._foreign = foreign
        gone: list[_Cand] = []
        new: list[_Cand] = []
        for doc in [d for d in self._docs if d not in by_document]:
            gone += self._docs.pop(doc)[1]
        staged, self._staged = self._staged, {}
        for doc, events in by_document.items():
            known = self._docs.get(doc)
            if known is not None and known[0] is events:
                continue
            ready = staged.get(doc)
            if known is None and ready is not None and ready[0] is events:
                cands = ready[1]
                new += cands
                self._docs[doc] = ready
                continue
            # An edit changes a few of a document's candidates: keep the others.
            reuse = {(c.event, c.order[4]): c for c in known[1]} if known is not None else {}
            cands = []
            for event, rank in _ranked(events):
                c = reuse.pop((event, rank), None)
                if c is None:
                    c = _Cand(event, doc, rank)
                    new.append(c)
                cands.append(c)
            gone += reuse.values()
            self._docs[doc] = (events, cands)
        self.rescored = 0
        if gone or new:
            n = self._n + len(new) - len(gone)
            if not self._n or weight_count(n) != self._count or \
                    len(gone) + len(new) > RESTART_SHARE * n:
                self._restart()
                relabel = frozenset()
            else:
                self._apply(gone, new)
        if relabel:  # only titles change: merge again the groups these documents are in
            self._redo_groups({c.group for _, cands in self._docs.values() for c in cands
                               if c.group is not None
                               and c.event.citations[0].document in relabel}, set(), set())
        return tuple(map(itemgetter(1), self._items))

    def stage(self, doc: str, events: Sequence[Event]) -> None:
        """Make the candidates of a document new to this merge ahead of the update that
        adds it: a build stages each document as its extraction comes in, so that this
        work (a candidate's features, a fifth of a merge) runs while the other documents
        are being extracted. The next update uses them if given the same ``events``."""
        if doc not in self._docs:
            self._staged[doc] = (events, [_Cand(e, doc, rank) for e, rank in _ranked(events)])

    def release(self) -> None:
        """Forget everything (a one-off build calls this once it has the merged events).
        Candidates refer to each other through their pairs and groups; clearing those lets
        reference counting free the whole state at once instead of leaving hundreds of
        thousands of objects to the cyclic collector (which a build freezes while it
        renders)."""
        for _, cands in self._docs.values():
            for c in cands:
                c.pairs = {}
                c.group = None
        self._reset()

    # The full computation.

    def _restart(self) -> None:
        self.restarts += 1
        cands = [c for _, cs in self._docs.values() for c in cs]
        self._n, self._count = len(cands), weight_count(len(cands))
        self._limit = max(BLOCK_MIN, int(self._count * BLOCK_SHARE))
        self._fine, self._yearly, self._coarse, self._daily = {}, {}, {}, {}
        df: dict[str, int] = {}
        holders: dict[str, set[_Cand]] = {}
        for c in cands:
            c.pairs, c.group = {}, None
            for k in c.feats.keys:
                df[k] = df.get(k, 0) + 1
                holders.setdefault(k, set()).add(c)
        self._df, self._holders = df, holders
        self._idf = {k: weight(self._count, d) for k, d in df.items()}
        for c in cands:
            c.mass = mass(c.feats, self._idf)
        for k, d in df.items():
            if d <= self._limit:
                for c in holders[k]:
                    self._place(c, k, True, None)
        for c in cands:
            self._place_day(c, True, None)
        for members in (*self._daily.values(), *self._fine.values()):
            if len(members) <= BLOCK_LIMIT:
                ordered = list(members)
                for x, u in enumerate(ordered):
                    for v in ordered[x + 1:]:
                        if v not in u.pairs:
                            self._link(u, v)
        for block, members in self._coarse.items():
            everyone = self._yearly[block]
            if len(everyone) <= BLOCK_LIMIT:
                # (its day reports are most of a bucket: 168,000 of 396,000 pairs at 4,000
                # articles, each one's value known beforehand)
                partners = [v for v in everyone if not v.fine]
                for u in members:
                    for v in partners:
                        if v is not u and v not in u.pairs:
                            self._link(u, v)
        items: list[Item] = []
        for c in cands:
            if c.group is None:
                items += self._regroup(self._component(c))
        self._items = sorted(items, key=itemgetter(0))

    def _place(self, c: _Cand, key: str, add: bool, sizes: Sizes | None) -> None:
        """Put ``c`` into (or take it out of) the date buckets of ``key``; note in ``sizes``
        how full each bucket was before its first change."""
        if c.event.date is None:
            return
        for month in c.months or ():
            self._file(self._fine, (month, key), c, add, sizes, _FINE)
        for year in c.years:
            self._file(self._yearly, (year, key), c, add, sizes, _YEARLY)
            if c.months is None:
                self._file(self._coarse, (year, key), c, add, None, _YEARLY)

    def _place_day(self, c: _Cand, add: bool, sizes: Sizes | None) -> None:
        """Put ``c``, when dated to a day, into (or take it out of) the buckets of that day
        and each name it holds, however common the name: reports of one day that share a
        name are always compared (a name in thousands of articles pairs nobody in the
        month buckets)."""
        if c.day is not None:
            for k in c.feats.names:
                self._file(self._daily, (c.day, k), c, add, sizes, _DAILY)

    @staticmethod
    def _file(table: dict[Block, set[_Cand]], block: Block, c: _Cand, add: bool,
              sizes: Sizes | None, which: int) -> None:
        members = table.get(block)
        if sizes is not None:
            sizes.setdefault((which, block), len(members) if members else 0)
        if add:
            if members is None:
                members = table[block] = set()
            members.add(c)
        elif members is not None:
            members.discard(c)
            if not members:
                del table[block]

    def _value(self, u: _Cand, v: _Cand) -> float:
        self.rescored += 1
        # (compatible, apart and _bar written out, from what each candidate keeps: this
        # runs for every pair scored, and most pairs have one date)
        same = u.bounds == v.bounds
        if (u.bounds is None) if same else not compatible(u.event.date, v.event.date):
            return _APART
        (remote_u, met_u), (remote_v, met_v) = u.sides, v.sides
        if (remote_u and met_v) or (remote_v and met_u):
            return _APART
        bar = VAGUE_DATE_THRESHOLD if u.vague and v.vague else \
            SAME_DATE_THRESHOLD if same else NESTED_DATE_THRESHOLD
        total = score(u.feats, v.feats, u.mass, v.mass, self._idf, bar)
        return total if total >= bar else 0.0

    def _link(self, u: _Cand, v: _Cand) -> float:
        value = u.pairs[v] = v.pairs[u] = self._value(u, v)
        return value

    @staticmethod
    def _component(start: _Cand) -> list[_Cand]:
        """The candidates joined to ``start`` by pairs that scored high enough."""
        found, seen = [start], {start}
        for u in found:
            for v, value in u.pairs.items():
                if value > 0 and v not in seen:
                    seen.add(v)
                    found.append(v)
        return found

    def _regroup(self, members: list[_Cand]) -> list[Item]:
        """Merge one connected group, best pair first, and remember it on its members."""
        if len(members) == 1:  # (most groups: 28,231 of 29,460 at 4,000 articles)
            only = members[0]
            # what agglomerate gives for one report (whose preferred language cannot
            # matter: there is no other report to take the title from)
            event = combine([only.event], [])
            items = [((sort_key(event.date), event.title, only.order), event)]
            only.group = _Group(members, items)
            return items
        members.sort(key=lambda c: c.order)
        items = [(((sort_key(e.date), e.title, members[first].order)), e)
                 for first, e in self._agglomerate(members)]
        group = _Group(members, items)
        for c in members:
            c.group = group
        return items

    def _agglomerate(self, members: list[_Cand], refused: Refused | None = None
                     ) -> list[tuple[int, Event]]:
        rank = {c: i for i, c in enumerate(members)}
        edges = [(value, i, rank[v]) for i, u in enumerate(members)
                 for v, value in u.pairs.items() if value > 0 and rank[v] > i]
        foreign = self._foreign
        idf = self._idf
        return agglomerate([c.event for c in members], edges,
                           lambda i, j, total: self._note(members[i], members[j], total),
                           (lambda e: e.citations[0].document not in foreign) if foreign
                           else None, refused,
                           lambda i, j: members[i].pairs.get(members[j], 0.0) <= 0.0
                           and strangers(members[i].feats, members[j].feats, idf))

    def why_apart(self, a: Event, b: Event) -> list[str] | None:
        """Why the merged events ``a`` and ``b`` (of the last update) are two, in words:
        their most alike pair of reports, and what kept it apart. None when either is not
        an event of the last update."""
        def reports(event: Event) -> list[_Cand]:
            # the candidates of its sentences whose dates can be its date (one sentence
            # can give several events: "on 3 and 17 May")
            cited = {(c.document, c.sentence) for c in event.citations}
            return [c for doc in sorted({d for d, _ in cited} & self._docs.keys())
                    for c in self._docs[doc][1]
                    if (c.event.citations[0].document, c.event.citations[0].sentence) in cited
                    and (c.event.date == event.date or compatible(c.event.date, event.date))]
        mine, theirs = reports(a), reports(b)
        if not mine or not theirs:
            return None
        pairs = sorted(((self._value(u, v), u, v) for u in mine for v in theirs),
                       key=lambda p: (-p[0], p[1].order, p[2].order))
        value, u, v = pairs[0]
        first, second = (u, v) if u.order <= v.order else (v, u)
        one, other = first.event.citations[0], second.event.citations[0]
        pair = (f"{one.document} (sentence {one.sentence + 1}) and {other.document} "
                f"(sentence {other.sentence + 1})")
        if value == _APART:
            if not compatible(u.event.date, v.event.date):
                return [f"no two of their reports have dates that can be one date; e.g. "
                        f"{pair}: " + " and ".join(span_label(e.date) if e.date else "undated"
                                                   for e in (first.event, second.event))]
            return [f"{pair}, the most alike of their reports, tell a phone or video call "
                    "and a meeting or visit"]
        total = score(u.feats, v.feats, u.mass, v.mass, self._idf)
        why = reason(u.feats, v.feats, u.mass, v.mass, self._idf) or "nothing in common"
        if value == 0.0:
            return [f"the most alike of their reports are {pair}: {why}, score {total:.3f}, "
                    f"below the bar of {self._bar(u.event.date, v.event.date):.2f}"]
        refusals: list[str] = []
        group = u.group
        if group is not None and group is v.group:
            members = group.members
            at = {c: i for i, c in enumerate(members)}
            sides = ({at[c] for c in mine if c in at}, {at[c] for c in theirs if c in at})

            def refused(i: int, j: int, what: str) -> None:
                if not refusals and ((i in sides[0] and j in sides[1])
                                     or (i in sides[1] and j in sides[0])):
                    refusals.append(what)
            self._agglomerate(members, refused)
        return [f"{pair} scored {total:.2f} ({why}), enough to merge, but "
                + (refusals[0] if refusals else "they were merged with other reports first")]

    @staticmethod
    def _bar(a: DateSpan | None, b: DateSpan | None) -> float:
        """The score a pair with these dates needs to merge."""
        return VAGUE_DATE_THRESHOLD if vague(a) and vague(b) else \
            SAME_DATE_THRESHOLD if same_span(a, b) else NESTED_DATE_THRESHOLD

    def _note(self, u: _Cand, v: _Cand, total: float) -> str:
        """Why u and v (u first in merge order) were merged, in words."""
        same = same_span(u.event.date, v.event.date)
        why = reason(u.feats, v.feats, u.mass, v.mass, self._idf)
        mine, other = v.event.citations[0], u.event.citations[0]
        return (f"{mine.document} (sentence {mine.sentence + 1}) and {other.document} "
                f"(sentence {other.sentence + 1}): {'same date' if same else 'compatible dates'}"
                f"; {why}, score {total:.2f}")

    # The incremental computation.

    def _apply(self, gone: list[_Cand], new: list[_Cand]) -> None:
        """Take ``gone`` out and put ``new`` in, redoing only what they touched."""
        df, holders, limit = self._df, self._holders, self._limit
        before: dict[str, int] = {}
        sizes: Sizes = {}
        dirty: set[_Cand] = set(new)
        stale: set[_Group] = set()
        dead = set(gone)
        for c in gone:
            self._place_day(c, False, sizes)
            for k in c.feats.keys:
                if before.setdefault(k, df[k]) <= limit:
                    self._place(c, k, False, sizes)
                df[k] -= 1
                holders[k].discard(c)
            for v, value in c.pairs.items():
                del v.pairs[c]
                if value > 0:
                    dirty.add(v)
            c.pairs = {}
            if c.group is not None:
                stale.add(c.group)
        for c in new:
            for k in c.feats.keys:
                before.setdefault(k, df.get(k, 0))
                df[k] = df.get(k, 0) + 1
                holders.setdefault(k, set()).add(c)
        self._n += len(new) - len(gone)
        reweighed: set[_Cand] = set(new)
        repair: set[_Cand] = set(new)
        for k, was in before.items():
            now = df[k]
            if now == 0:
                del df[k], holders[k]
                self._idf.pop(k, None)
                continue
            fresh = weight(self._count, now)
            if self._idf.get(k) != fresh:
                self._idf[k] = fresh
                reweighed |= holders[k]
            if (was <= limit) != (now <= limit):  # the key starts or stops pairing
                repair |= holders[k]
                for c in holders[k]:
                    self._place(c, k, now <= limit, None)
        tables = {_YEARLY: self._yearly, _FINE: self._fine, _DAILY: self._daily}
        for c in new:
            self._place_day(c, True, sizes)
            for k in c.feats.keys:
                if before[k] <= limit and df[k] <= limit:
                    self._place(c, k, True, sizes)
        for (which, block), size in sizes.items():
            members = tables[which].get(block, set())
            if (size <= BLOCK_LIMIT) != (len(members) <= BLOCK_LIMIT):
                repair |= members
        for c in reweighed:
            c.mass = mass(c.feats, self._idf)
        for u in repair:
            found = self._neighbours(u)
            for v in [v for v in u.pairs if v not in found]:
                if u.pairs.pop(v) > 0:
                    dirty |= {u, v}
                del v.pairs[u]
            for v in found:
                if v not in u.pairs and self._link(u, v) > 0:
                    dirty |= {u, v}
        done: set[_Cand] = set()
        for u in reweighed:
            done.add(u)
            for v, old in u.pairs.items():
                if old != _APART and v not in done:
                    value = self._value(u, v)
                    if value != old:
                        u.pairs[v] = v.pairs[u] = value
                        dirty |= {u, v}
        stale |= {c.group for c in dirty if c.group is not None}
        self._redo_groups(stale, dirty - dead, dead)

    def _neighbours(self, u: _Cand) -> set[_Cand]:
        """Every candidate that shares a pairing key and a date bucket with ``u``."""
        found: set[_Cand] = set()
        if u.event.date is None:
            return found
        if u.day is not None:
            for k in u.feats.names:
                members = self._daily[(u.day, k)]
                if len(members) <= BLOCK_LIMIT:
                    found |= members
        df, limit = self._df, self._limit
        for k in u.feats.keys:
            if df[k] > limit:
                continue
            for month in u.months or ():
                members = self._fine[(month, k)]
                if len(members) <= BLOCK_LIMIT:
                    found |= members
            for year in u.years:
                if len(self._yearly[(year, k)]) <= BLOCK_LIMIT:
                    if u.months is None:
                        found.update(v for v in self._yearly[(year, k)] if not v.fine)
                    elif not u.fine:
                        found |= self._coarse.get((year, k), set())
        found.discard(u)
        return found

    def _redo_groups(self, stale: set[_Group], loose: set[_Cand], dead: set[_Cand]) -> None:
        """Merge again the stale groups and the loose candidates, after the pairs changed."""
        todo = [c for g in stale for c in g.members if c not in dead] + list(loose)
        items: list[Item] = []
        for start in todo:
            if start.group is not None and start.group not in stale:
                continue  # already regrouped in this update
            found = self._component(start)
            for c in found:  # only candidates whose pairs changed join other groups
                assert c.group is None or c.group in stale, "a pair changed unnoticed"
            items += self._regroup(found)
        old = [item[0] for g in stale for item in g.items]
        if len(old) + len(items) > 64:
            gone = set(map(id, old))
            self._items = sorted([i for i in self._items if id(i[0]) not in gone] + items,
                                 key=itemgetter(0))
            return
        for place in old:  # items are sorted, each key once
            at = bisect.bisect_left(self._items, place, key=itemgetter(0))
            assert self._items[at][0] is place, "a merged event went missing"
            del self._items[at]
        for item in items:
            bisect.insort(self._items, item, key=itemgetter(0))


def merge_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """Group candidates that report one happening; ids are given later (timeline.ids)."""
    return Merger().update({"": tuple(events)})
