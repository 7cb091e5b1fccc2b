"""Stage 5: merge the reports of one happening from several sources into one event.

Two candidates merge when their dates are compatible (equal, or one inside the other) and
they share enough rare names, words, quoted phrases or kind of happening. Names are compared
after folding (case, accents, transliteration), so Shoigu, Choigou and Čoig meet. Candidates
are compared only within date buckets that share a name or word, never all pairs.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from timeline.dates import sort_key
from timeline.model import DateSpan, Event

_TRANSLIT = str.maketrans({"č": "ch", "ć": "ch", "š": "sh", "ś": "sh", "ž": "zh", "ź": "zh",
                           "ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ı": "i"})
_GENERIC = frozenset("""
president minister secretary council foreign defence defense ministry spokesperson spokesman
spokeswoman chief general state agency news security senior top former deputy prime chairman
head director official officials office committee party central national republic federation
army navy communist government leader mr mrs ms dr col gen the a an of political bureau
member members international world united nations affairs commission department says said
""".split())
_STOP = frozenset("""
a an the of in on at to for from by with and or but as is was were be been are has have had
it its this that these those there their his her they he she we our you i not no also would
will could should may might can into over about after before than then when while which who
whom what where why how all any both each more most other some such only own same so very
just said says told stated according reported added noted year years month months week weeks
day days
""".split())
KINDS = {
    "meeting": ("met with", "meet with", "met ", "meeting", "talks", "received", "summit",
                "hosted", "held talks"),
    "call": ("phone", "telephone", "call with", "video call", "spoke with", "spoke to",
             "conversation", "called his", "called her", "called their"),
    "visit": ("visit", "visited", "visiting", "arrived in", "arrived at", "trip to", "travelled",
              "traveled", "toured", "state visit", "landed in", "landed at", "flew to"),
    "parade": ("parade", "ceremony", "commemorat", "celebrat", "anniversary"),
    "invasion": ("invasion", "invade", "invaded", "troops into", "launched an offensive",
                 "full-scale war"),
    "agreement": ("signed", "treaty", "agreement", "accord", "joint statement", "declared",
                  "established"),
    "election": ("election", "elected", "inauguration", "inaugurated", "sworn in"),
    "exercise": ("drills", "military exercise", "exercises", "joint patrol", "patrols",
                 "manoeuvres", "maneuvers"),
    "aid": ("aid", "supply", "donate", "donated", "assistance", "funding"),
    "message": ("congratulat", "message", "letter", "greetings"),
    "strike": ("strike", "walked out", "walkout", "stoppage"),
    "protest": ("protest", "demonstrat", "rally", "rallies", "march through"),
    "resignation": ("resign", "stepped down", "step down", "quit"),
    "arrest": ("arrest", "detained", "detention"),
    "death": ("died", "killed", "death", "dead"),
    "launch": ("launched", "launch", "unveiled", "opened"),
}
_CALENDAR = frozenset("""
january february march april may june july august september october november december monday
tuesday wednesday thursday friday saturday sunday
""".split())
SAME_DATE_THRESHOLD = 0.5
NESTED_DATE_THRESHOLD = 0.7
PRIOR = 20
BLOCK_LIMIT = 400
"""Keys shared by more candidates than this are too common to pair candidates on."""
BLOCK_MIN, BLOCK_SHARE = 60, 0.02
"""Keys held by more than max(BLOCK_MIN, BLOCK_SHARE of all candidates) are too common to
pair on; they still count in the score of pairs found through rarer keys."""


def fold_name(word: str) -> str:
    """A spelling-insensitive key for one name: Shoigu, Choigou, Čoig and Shoygu agree."""
    text = unicodedata.normalize("NFKD", word.casefold().translate(_TRANSLIT))
    text = "".join(ch for ch in text if ch.isalpha() and ch.isascii())
    if len(text) >= 5:
        text = re.sub(r"(?:ians|ian|ese|ish|ia|a|e|s)$", "", text)
    text = re.sub(r"sch|tch|sh|ch|zh", "S", text)
    skeleton = text[:1] + re.sub(r"[aeiouy]", "", text[1:])
    skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
    return skeleton if len(skeleton) >= 2 else text


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class _Features:
    names: frozenset[str]
    words: frozenset[str]
    quotes: frozenset[str]
    kinds: frozenset[str]


_KIND_PATTERNS = {kind: re.compile("|".join(rf"\b{re.escape(cue)}" for cue in cues))
                  for kind, cues in KINDS.items()}


@functools.lru_cache(maxsize=262_144)
def features(event: Event) -> _Features:
    """The names, words, quoted phrases and kinds of happening an event mentions (memoised:
    the dev server merges the same cached candidates again after every edit)."""
    text = f"{event.title} {event.summary}"
    names = {fold_name(w) for name in event.actors for w in re.findall(r"[^\W\d_]+", name)
             if w.lower() not in _GENERIC and w.lower() not in _CALENDAR and len(w) > 1}
    words = {_stem(w) for w in re.findall(r"[a-z][a-z'-]{2,}", text.lower())
             if w not in _STOP and w not in _CALENDAR}
    quotes = {" ".join(q.lower().split()) for q in re.findall(r"[\"“«]([^\"”»]{4,60})[\"”»]",
                                                               text)}
    low = text.lower()
    kinds = {kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(low)}
    return _Features(frozenset(names), frozenset(words), frozenset(quotes), frozenset(kinds))


def compatible(a: DateSpan | None, b: DateSpan | None) -> bool:
    """Dates that can belong to one happening: equal, nested, or overlapping when approximate."""
    if a is None or b is None:
        return False
    if a.contains(b) or b.contains(a):
        return True
    return a.overlaps(b) and (a.approximate or b.approximate)


class _Scorer:
    """Similarity of two candidates, with names and words weighted by rarity."""

    def __init__(self, feats: list[_Features]) -> None:
        # PRIOR pretends the corpus has that many more unrelated candidates, so that in a
        # small site a name seen in three of five reports still counts as fairly rare.
        count = len(feats) + PRIOR
        self.df: Counter[str] = Counter()
        for f in feats:
            self.df.update(f.names)
            self.df.update("w:" + w for w in f.words)
            self.df.update("q:" + q for q in f.quotes)
        self.idf = {k: math.log(count / (n + 0.5)) for k, n in self.df.items()}
        self.feats = feats
        self.mass = [(self._sum(f.names, ""), self._sum(f.words, "w:")) for f in feats]

    def _sum(self, keys: Iterable[str], prefix: str) -> float:
        idf = self.idf
        return sum(idf.get(prefix + k, 0.0) for k in keys)

    def parts(self, i: int, j: int) -> tuple[float, float, bool, bool]:
        """Name overlap, word overlap, a shared quote, a shared kind of happening."""
        a, b = self.feats[i], self.feats[j]
        shared_names = a.names & b.names
        names = self._sum(shared_names, "") / max(min(self.mass[i][0], self.mass[j][0]), 1.5) \
            if shared_names else 0.0
        shared_words = a.words & b.words
        words = self._sum(shared_words, "w:") / max(min(self.mass[i][1], self.mass[j][1]),
                                                    3.0) if shared_words else 0.0
        return names, words, bool(a.quotes & b.quotes), bool(a.kinds & b.kinds)

    def score(self, i: int, j: int) -> float:
        """A 0-1-ish similarity."""
        names, words, quote, kind = self.parts(i, j)
        return 0.55 * min(names, 1.0) + 0.3 * min(words, 1.0) + 0.25 * quote + 0.35 * kind

    def reason(self, i: int, j: int) -> str:
        """Why two candidates scored as they did, in words."""
        a, b = self.feats[i], self.feats[j]
        names, words, _, _ = self.parts(i, j)
        reasons = []
        if a.quotes & b.quotes:
            reasons.append("the same quoted words " + ", ".join(
                f"“{q}”" for q in sorted(a.quotes & b.quotes)))
        if a.kinds & b.kinds:
            reasons.append("the same kind of happening (" + ", ".join(sorted(a.kinds & b.kinds))
                           + ")")
        if names:
            reasons.append(f"shared names ({names:.2f})")
        if words:
            reasons.append(f"shared words ({words:.2f})")
        return "; ".join(reasons)


def _finer(a: DateSpan | None, b: DateSpan | None) -> DateSpan | None:
    if a is None or b is None:
        return a or b
    if b.precision != a.precision:
        return b if b.precision > a.precision else a
    if (b.end - b.start) != (a.end - a.start):
        return b if (b.end - b.start) < (a.end - a.start) else a
    return a if a.approximate <= b.approximate else b


def _combine(members: list[Event], notes: list[str]) -> Event:
    citations = tuple(sorted({c for m in members for c in m.citations},
                             key=lambda c: (c.document, c.sentence)))
    date = members[0].date
    for m in members[1:]:
        date = _finer(date, m.date)
    best = max(members, key=lambda m: (len(m.actors), -len(m.title) if len(m.title) > 90 else 0,
                                       -members.index(m)))
    return Event(
        id="", date=date, title=best.title, summary=best.summary, citations=citations,
        planned=all(m.planned for m in members),
        actors=tuple(dict.fromkeys(a for m in members for a in m.actors)),
        merge_notes=tuple(notes),
    )


def _keys(f: _Features) -> set[str]:
    return set(f.names) | {"w:" + w for w in f.words} | {"q:" + q for q in f.quotes}


def _months(span: DateSpan) -> list[int] | None:
    """Month numbers (year * 12 + month) a fine span touches; None for coarse spans."""
    if (span.end - span.start).days > 62:
        return None
    first = span.start.year * 12 + span.start.month - 1
    return list(range(first, span.end.year * 12 + span.end.month))


def _candidate_pairs(cands: list[Event], feats: list[_Features], df: Counter[str]
                     ) -> set[tuple[int, int]]:
    """Pairs that could report one happening: they share a not-too-common key (a name, a
    word, a quote) and a date bucket. Fine dates (up to two months) meet in month buckets;
    coarse ones (a season, a year) meet everything in their years. Common keys are not
    blocked on: reports of one happening share rarer names and words, while common words
    would pair everything with everything. Never all pairs."""
    limit = max(BLOCK_MIN, int(len(cands) * BLOCK_SHARE))
    fine: dict[tuple[int, str], list[int]] = defaultdict(list)
    coarse: dict[tuple[int, str], list[int]] = defaultdict(list)
    yearly: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, event in enumerate(cands):
        if event.date is None:
            continue
        keys = [k for k in _keys(feats[i]) if df[k] <= limit]
        months = _months(event.date)
        years = range(event.date.start.year, min(event.date.end.year,
                                                 event.date.start.year + 10) + 1)
        for key in keys:
            for month in months or ():
                fine[(month, key)].append(i)
            for year in years:
                yearly[(year, key)].append(i)
                if months is None:
                    coarse[(year, key)].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in fine.values():
        if len(members) > BLOCK_LIMIT:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if i != j:
                    pairs.add((i, j) if i < j else (j, i))
    for block, members in coarse.items():
        everyone = yearly[block]
        if len(everyone) > BLOCK_LIMIT:
            continue
        for i in members:
            for j in everyone:
                if i != j:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def _same_span(a: DateSpan | None, b: DateSpan | None) -> bool:
    return a is not None and b is not None and (a.start, a.end) == (b.start, b.end)


def merge_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """Group candidates that report one happening; ids are given later (timeline.ids)."""
    cands = sorted(events, key=lambda e: (sort_key(e.date), e.citations[0].document,
                                          e.citations[0].sentence))
    feats = [features(e) for e in cands]
    scorer = _Scorer(feats)
    scored: list[tuple[float, int, int, str]] = []
    for i, j in sorted(_candidate_pairs(cands, feats, scorer.df)):
        a, b = cands[i], cands[j]
        if not compatible(a.date, b.date):
            continue
        total = scorer.score(i, j)
        same = _same_span(a.date, b.date)
        if total >= (SAME_DATE_THRESHOLD if same else NESTED_DATE_THRESHOLD):
            why = scorer.reason(i, j)
            scored.append((total, i, j, f"{'same date' if same else 'compatible dates'}; {why}"))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    cluster_of = list(range(len(cands)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(cands))}
    spans: dict[int, set[DateSpan]] = {i: {e.date} for i, e in enumerate(cands)
                                       if e.date is not None}
    cited: dict[int, set[tuple[str, int]]] = {
        i: {(e.citations[0].document, e.citations[0].sentence)} for i, e in enumerate(cands)}
    notes: dict[int, list[str]] = defaultdict(list)
    for total, i, j, why in scored:
        first, second = cluster_of[i], cluster_of[j]
        if first == second or cited[first] & cited[second] or not all(
                compatible(a, b) for a in spans.get(first, ()) for b in spans.get(second, ())):
            continue
        keep, gone = min(first, second), max(first, second)
        for k in members[gone]:
            cluster_of[k] = keep
        members[keep] += members.pop(gone)
        spans.setdefault(keep, set()).update(spans.pop(gone, set()))
        cited[keep] |= cited.pop(gone)
        notes[keep] += notes.pop(gone, [])
        mine, other = cands[j].citations[0], cands[i].citations[0]
        notes[keep].append(f"{mine.document} (sentence {mine.sentence + 1}) and {other.document}"
                           f" (sentence {other.sentence + 1}): {why}, score {total:.2f}")
    merged = [_combine([cands[i] for i in sorted(group)], notes.get(key, []))
              for key, group in members.items()]
    merged.sort(key=lambda e: (sort_key(e.date), e.title))
    return tuple(merged)
