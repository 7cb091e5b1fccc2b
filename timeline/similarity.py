"""How alike two event candidates are: folded names, rare words, quoted phrases and kinds
of happening, each name or word weighted by its rarity among all candidates (stage 5's
measure; timeline.merge decides with it).

The weights are built so that one edited article changes few of them: the candidate count
and the counts of common keys are coarsened (their leading binary digits kept), so that a
key's weight moves only when its own count crosses a step. A full build and the dev
server's incremental merge use the same coarsened values, hence give the same result.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from timeline.model import DateSpan, Event, Precision

_TRANSLIT = str.maketrans({
    "č": "ch", "ć": "ch", "š": "sh", "ś": "sh", "ž": "zh", "ź": "zh", "ł": "l", "ø": "o",
    "æ": "ae", "ß": "ss", "đ": "d", "ı": "i",
    # Russian, as English papers spell it (Шойгу: Shoygu)
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"})
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
    "meeting": ("met with", "meet with", "met ", "meeting", "talks", "negotiat", "received",
                "summit", "hosted", "held talks", "sat down with",
                # the same in reports in other languages, whose full dates are read too
                "rencontr", "entretien", "pourparlers", "traf ", "trafen", "treffen",
                "gespräch", "se reuni", "reunión", "incontr", "colloqui", "encontro",
                "reuniu", "ontmoet", "jednal", "jednání", "setkal", "spotkał", "spotkani",
                "rozmow", "встрет", "переговор"),
    "call": ("phone", "telephone", "call with", "video call", "spoke with", "spoke to",
             "conversation", "called his", "called her", "called their"),
    "remote": ("phone", "telephone", "video call", "video link", "videoconference",
               "call with"),
    "visit": ("visit", "visited", "visiting", "arrived in", "arrived at", "trip to", "travelled",
              "traveled", "toured", "state visit", "landed in", "landed at", "flew to"),
    "parade": ("parade", "ceremony", "commemorat", "celebrat", "anniversary"),
    "invasion": ("invasion", "invade", "invaded", "troops into", "launched an offensive",
                 "full-scale war"),
    "agreement": ("signed", "treaty", "agreement", "accord", "joint statement", "declared",
                  "established", "a deal", "the deal"),
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
PRIOR = 20
"""The scorer pretends the corpus has this many more unrelated candidates, so that in a small
site a name seen in three of five reports still counts as fairly rare."""
EXACT_COUNT, COUNT_BITS = 1024, 5
"""Candidate counts (PRIOR included) from EXACT_COUNT up keep their COUNT_BITS leading
binary digits (at most 1/16 off), so that adding or removing an article seldom moves every
weight at once."""
EXACT_DF, DF_BITS = 64, 4
"""Key counts from EXACT_DF up keep their DF_BITS leading binary digits (at most 1/8 off):
an edit changes the weight of a common word only when its count crosses a step."""


def coarse(value: int, exact_below: int, bits: int) -> int:
    """``value`` itself below ``exact_below``, else with all but ``bits`` leading binary
    digits cleared (1,000 -> 960 with 4 bits)."""
    if value < exact_below:
        return value
    drop = value.bit_length() - bits
    return value >> drop << drop


def weight_count(candidates: int) -> int:
    """The count that key weights divide by, for this many candidates."""
    return coarse(candidates + PRIOR, EXACT_COUNT, COUNT_BITS)


def weight(count: int, df: int) -> float:
    """The weight (inverse document frequency) of a key held by ``df`` candidates."""
    return math.log(count / (coarse(df, EXACT_DF, DF_BITS) + 0.5))


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|at|an|az)[-‐'’ ](?=\w{3})")


@functools.lru_cache(maxsize=65_536)
def fold_name(word: str) -> str:
    """A spelling-insensitive key for one name: Shoigu, Choigou, Čoig, Shoygu, Šojgu,
    Szojgu and Шойгу agree; so do Lavrov and Lawrow, Iraq and Irak."""
    text = unicodedata.normalize("NFKD", word.casefold().translate(_TRANSLIT))
    text = _ARTICLE_PREFIX.sub("", text)  # al-Assad, el-Sisi: Assad, Sisi
    text = "".join(ch for ch in text if ch.isalpha() and ch.isascii())
    if len(text) >= 5:
        text = re.sub(r"(?:ians|ian|ese|ish|ia|a|e|s)$", "", text)
    # Slavic and German j inside a name: Šojgu, Shoygu; Selenskyj, Netanjahu
    text = text[:1] + text[1:].replace("j", "y")
    # German and Polish w (Lawrow, Kowalenko), Arabic q as French and German spell it
    # (Irak, Faruk), ph as f (Filipinas), and -off/-of for -ov (Medvedeff, Lavrof)
    text = text.replace("w", "v").replace("q", "k").replace("ph", "f")
    text = re.sub(r"(?<=[oe])f+$", "v", text)
    text = re.sub(r"sch|tch|sh|sz|ch|zh", "S", text)  # (sz: Polish, Szojgu)
    text = text.replace("z", "s")  # German s for z: Selenskyj, Zelensky
    skeleton = text[:1] + re.sub(r"[aeiouy]", "", text[1:])
    skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
    return skeleton if len(skeleton) >= 2 else text


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class Features:
    """What an event mentions, as keys of the rarity table (names bare, words prefixed with
    ``w:``, quoted phrases with ``q:``), and the kinds of happening it reports."""

    names: frozenset[str]
    words: frozenset[str]
    quotes: frozenset[str]
    kinds: frozenset[str]
    keys: tuple[str, ...]
    """All names, words and quotes (distinct: words and quotes are prefixed): what the
    rarity table counts."""
    places: frozenset[str] = frozenset()
    """The names after "in" ("talks in Beijing"): where it happened, as far as a sentence
    says."""
    actors: tuple[tuple[str, ...], ...] = ()
    """The keys of each name the event gives, name by name ("Chinese President Xi Jinping":
    the keys of Chinese, Xi and Jinping), when it gives more than one."""


_CUES = sorted({cue for cues in KINDS.values() for cue in cues})
_CUE_KINDS = {cue: frozenset(kind for kind, cues in KINDS.items()
                             if any(cue.startswith(c) for c in cues)) for cue in _CUES}
"""Each cue -> the kinds of every cue it begins with, itself included: the kinds found
where it is the longest cue that matches ("launched an offensive": invasion and launch)."""


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, as a trie (re tries alternatives one by one; a
    trie's branches part at the first differing character)."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


_CUE_AT = re.compile(r"\b(?=(" + _trie_pattern(_CUES) + "))")
"""The longest cue of a kind of happening that starts at each word start (a trie's match is
the longest: every cue that also starts there begins it), caught inside a look-ahead so that
a cue inside another one's words is found too."""


def kinds_of(low: str) -> frozenset[str]:
    """The kinds of happening whose cues occur in ``low`` (lower-case text), each cue at the
    start of a word."""
    cues = _CUE_AT.findall(low)
    if not cues:
        return _NONE
    if len(cues) == 1:
        return _CUE_KINDS[cues[0]]
    return frozenset().union(*[_CUE_KINDS[cue] for cue in cues])


@functools.lru_cache(maxsize=65_536)
def _folded(word: str) -> str | None:
    """fold_name(word) for a word that can be a name's key, else None."""
    low = word.lower()
    if low in _GENERIC or low in _CALENDAR or len(word) <= 1:
        return None
    return fold_name(word)


@functools.lru_cache(maxsize=65_536)
def _word_key(word: str) -> str | None:
    """The key of a lower-case word, None for a stop or calendar word."""
    if word in _STOP or word in _CALENDAR:
        return None
    return "w:" + _stem(word)


_NAME_WORD = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_QUOTE = re.compile(r"[\"“«]([^\"”»]{4,60})[\"”»]")
_PLACE = re.compile(r"\b(?:[Ii]n|visit(?:ed|ing)?|visit to|trip to|travel(?:l?ed|l?ing) to|"
                    r"flew to|landed in) (?:the |The )?([^\W\d_]+(?:[ -][^\W\d_]+)*)")
"""A place: "in" or a word of travel ("visited", "flew to"), then capitalised words (the
run is cut at its first other word)."""


def _places(text: str) -> set[str]:
    """The folded names of the places ``text`` puts something in."""
    found = set()
    for run in _PLACE.findall(text):
        for word in re.split(r"[ -]", run):
            if not word[:1].isupper():
                break
            if (key := _folded(word)) is not None:
                found.add(key)
    return found


def features(event: Event) -> Features:
    """The names, words, quoted phrases and kinds of happening an event mentions."""
    text = f"{event.title}. {event.summary}"  # (a full stop: a place ends with the title)
    actors = [tuple(dict.fromkeys(f for w in _NAME_WORD.findall(name)
                                  if (f := _folded(w)) is not None)) for name in event.actors]
    names = {f for keys in actors for f in keys}
    low = text.lower()
    words = {k for w in _WORD.findall(low) if (k := _word_key(w)) is not None}
    quotes = {"q:" + " ".join(q.lower().split()) for q in _QUOTE.findall(text)}
    places = _places(text) if names else ()  # (a place is a name: none without names)
    actors = [keys for keys in actors if keys]
    return Features(_frozen(names), _frozen(words), _frozen(quotes), kinds_of(low),
                    (*names, *words, *quotes), _frozen(places),
                    tuple(actors) if len(actors) > 1 else ())


_NONE: frozenset[str] = frozenset()


def _frozen(found: Collection[str]) -> frozenset[str]:
    """``found`` frozen; one shared object when empty (most candidates quote nothing and
    name no place: tens of thousands of empty sets at 4,000 articles)."""
    return frozenset(found) if found else _NONE


MONTH_DAYS = 31
"""Dates spanning more days than this (a season, a year) are vague: a report dated to a
day merges only with reports whose dates span at most this many days (the day itself,
"in December", "early this month"), never with "in 2021", "two years ago" or "last
autumn", which say too little to put a day on them and often name an earlier happening
of the same people ("X and Y last met in Hanoi two years ago"). See also
merge.VAGUE_DATE_THRESHOLD and groups.agglomerate."""


_IN_PERSON = frozenset({"meeting", "visit"})


def sides(f: Features) -> tuple[bool, bool]:
    """Whether a report tells a phone or video call and no meeting or visit, and whether
    it tells a meeting or visit and no call. Two reports, one of each, cannot tell one
    happening ("Wang Yi visited Jakarta", "Wang Yi held a phone call with Aydin", on the
    same day): the merge keeps both answers per report, and compares them pair by pair."""
    met = not f.kinds.isdisjoint(_IN_PERSON)
    return "remote" in f.kinds and not met, met and "call" not in f.kinds


def vague(span: DateSpan | None) -> bool:
    """Whether a date spans more than MONTH_DAYS days (or is missing)."""
    return span is None or (span.end - span.start).days >= MONTH_DAYS


def compatible(a: DateSpan | None, b: DateSpan | None) -> bool:
    """Dates that can belong to one happening: equal, nested, or overlapping when
    approximate; a day only with dates that are not vague."""
    if a is None or b is None:
        return False
    if (a.start, a.end) == (b.start, b.end):
        return True
    if not (a.contains(b) or b.contains(a) or (
            a.overlaps(b) and (a.approximate or b.approximate))):
        return False
    return max(a.precision, b.precision) < Precision.DAY or not (vague(a) or vague(b))


def mass(f: Features, idf: Mapping[str, float]) -> tuple[float, float]:
    """The total weight of a candidate's names, and of its words (exactly rounded sums, so
    that the order of a set never changes a score)."""
    return math.fsum([idf[k] for k in f.names]), math.fsum([idf[k] for k in f.words])


def parts(a: Features, b: Features, mass_a: tuple[float, float], mass_b: tuple[float, float],
          idf: Mapping[str, float]) -> tuple[float, float, bool, bool]:
    """Name overlap, word overlap, a shared quote, a shared kind of happening."""
    return (_names(a, b, mass_a, mass_b, idf), _words(a, b, mass_a, mass_b, idf),
            not a.quotes.isdisjoint(b.quotes), not a.kinds.isdisjoint(b.kinds))


def _names(a: Features, b: Features, mass_a: tuple[float, float], mass_b: tuple[float, float],
           idf: Mapping[str, float]) -> float:
    """The weight of the names both give, against the lighter one's (see parts)."""
    shared = a.names & b.names
    if not shared:
        return 0.0
    names = math.fsum([idf[k] for k in shared]) / max(min(mass_a[0], mass_b[0]), 1.5)
    if shared <= a.places & b.places and not (a.names <= a.places or b.names <= b.places):
        names *= PLACE_ONLY  # the same place, and each names others: other people there
    elif shared <= a.places | b.places and a.kinds.isdisjoint(b.kinds) and \
            not (a.names <= a.places | b.places and b.names <= a.places | b.places):
        names *= PLACE_ONLY  # only a place in common, and nothing of what happened there
    return names


def _words(a: Features, b: Features, mass_a: tuple[float, float], mass_b: tuple[float, float],
           idf: Mapping[str, float]) -> float:
    """The weight of the words both use, against the lighter one's (see parts)."""
    shared = a.words & b.words
    return math.fsum([idf[k] for k in shared]) / max(min(mass_a[1], mass_b[1]), 3.0) \
        if shared else 0.0


PLACE_CONFLICT = 0.3
"""What two reports lose when each says where it happened and neither names the other's
place ("talks in Beijing", "talks in Taipei"): two reports of one meeting seldom disagree
on the city, and when one names the country instead ("in China") they share enough else."""


PLACE_ONLY = 0.5
"""What the names two reports share count for when they are only places, and each report
names others ("Hartmann met Aydın in Seoul", "Park arrived in Seoul on a visit hosted by
Wang")."""


def elsewhere(a: Features, b: Features) -> bool:
    """Whether each report gives a place the other does not name at all."""
    return bool(a.places and b.places and a.places.isdisjoint(b.names | b.places)
                and b.places.isdisjoint(a.names | a.places))


STRANGERS = 0.6
"""What two reports lose when each names people the other does not, weighing at least as
much as the people they share ("Netanyahu met Scholz in Berlin", "Zelensky met Scholz in
Berlin", on one day): one person's two meetings, not one meeting."""


_BETWEEN_PARTIES = frozenset({"meeting", "call", "visit", "agreement", "message"})
"""Kinds of happening whose reports name who took part on each side."""


def strangers(a: Features, b: Features, idf: Mapping[str, float]) -> bool:
    """Whether two reports of a happening between parties (a meeting, a call, a visit, an
    agreement, a message) share a person, and each names another whom the other does
    not name at all, weighing (by that name's rarest word) at least as much as the people
    both name. A name counts as shared when any word of it is: "Chinese President Xi
    Jinping" and "President Xi" are one person."""
    if not a.actors or not b.actors or a.kinds.isdisjoint(b.kinds & _BETWEEN_PARTIES):
        return False
    shared = (a.names & b.names) - a.places - b.places
    if not shared:
        return False  # (only places shared, or nothing: see parts and elsewhere)
    weight = math.fsum([idf[k] for k in shared])
    return _own_weight(a, b, idf) >= weight and _own_weight(b, a, idf) >= weight


def _own_weight(a: Features, b: Features, idf: Mapping[str, float]) -> float:
    """The weight of the names of ``a`` that share no word with ``b``'s, places aside."""
    return math.fsum([max(idf[k] for k in keys) for keys in a.actors
                      if b.names.isdisjoint(keys) and not a.places.issuperset(keys)])


def score(a: Features, b: Features, mass_a: tuple[float, float], mass_b: tuple[float, float],
          idf: Mapping[str, float], bar: float = -1.0) -> float:
    """A 0-1-ish similarity. With ``bar``, one below it may be any value below it: the
    words are not weighed when the names alone leave the total below it (most pairs of
    reports dated to a year), nor the penalties, which can only lower it, when it is below
    already."""
    quote, kind = not a.quotes.isdisjoint(b.quotes), not a.kinds.isdisjoint(b.kinds)
    named = 0.55 * min(_names(a, b, mass_a, mass_b, idf), 1.0)
    # (the total with words at their most, added in the same order: never below the total)
    if named + 0.3 + 0.25 * quote + 0.35 * kind < bar:
        return named
    words = _words(a, b, mass_a, mass_b, idf)
    total = named + 0.3 * min(words, 1.0) + 0.25 * quote + 0.35 * kind
    if total < bar:
        return total
    return total - PLACE_CONFLICT * elsewhere(a, b) - STRANGERS * strangers(a, b, idf)


def reason(a: Features, b: Features, mass_a: tuple[float, float], mass_b: tuple[float, float],
           idf: Mapping[str, float]) -> str:
    """Why two candidates scored as they did, in words."""
    names, words, _, _ = parts(a, b, mass_a, mass_b, idf)
    reasons = []
    if a.quotes & b.quotes:
        reasons.append("the same quoted words " + ", ".join(
            f"“{q[2:]}”" for q in sorted(a.quotes & b.quotes)))
    if a.kinds & b.kinds:
        reasons.append("the same kind of happening (" + ", ".join(sorted(a.kinds & b.kinds))
                       + ")")
    if names:
        reasons.append(f"shared names ({names:.2f})")
    if words:
        reasons.append(f"shared words ({words:.2f})")
    if elsewhere(a, b):
        reasons.append("though each names another place")
    if strangers(a, b, idf):
        reasons.append("though each names people the other does not")
    return "; ".join(reasons)
