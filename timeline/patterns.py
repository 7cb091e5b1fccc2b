"""Our own patterns for time expressions: named rules, then named filters for traps."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from timeline.lexicon import DAY, MONTH, NUMBER, SEASON, UNIT, WEEKDAY, WEEKDAY_FULL, YEAR

MONTH_FULL = ("(?:January|February|March|April|May|June|July|August|September|October|"
              "November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|"
              "OCTOBER|NOVEMBER|DECEMBER)")
_REL = r"(?i:last|next|this|coming|past|previous|current|following|same|prior|that)"
_PARTS = r"(?i:morning|afternoon|evening|night|overnight)"
_NOT_NUM_BEFORE = r"(?<![\d$€£¥.,/:#-])"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span that a rule matched, before filtering and resolution."""

    rule: str
    start: int
    end: int
    groups: dict[str, str]

    def get(self, key: str) -> str:
        """A named group's text, or '' when it did not take part."""
        return self.groups.get(key) or ""


RULES: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(pattern)) for name, pattern in [
    ("iso", rf"\b(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])"
            r"(?:T(?P<hh>[01]\d|2[0-3]):(?P<mm>[0-5]\d)(?::\d\d)?)?\b(?![-/]\d)"),
    ("numeric", rf"{_NOT_NUM_BEFORE}\b(?P<a>\d{{1,4}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)"
                r"(?P<c>\d{4}|\d{2})\b(?![./]\d)"),
    ("dmy", rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?:the\s+)?{_NOT_NUM_BEFORE}\b(?P<d>{DAY})"
            rf"(?:\s*[-–]\s*(?P<d2>{DAY}))?(?:\s+of)?\s+(?P<m>{MONTH})(?![a-z])"
            rf"(?:,?\s+(?P<y>{YEAR})\b)?"),
    ("mdy", rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?P<m>{MONTH})(?![a-z])\s+(?:the\s+)?(?P<d>{DAY})"
            rf"(?![\d%:]|\s*(?:%|percent|per\s+cent|million|billion|[ap]\.?m\b))"
            rf"(?:\s*[-–]\s*(?P<d2>{DAY})(?!\d))?(?:,?\s+(?P<y>{YEAR})(?!\d))?\b"),
    ("month_or", rf"(?P<m>{MONTH_FULL})\s+(?P<conj>or|and|to|through|-|–)\s+"
                 rf"(?P<m2>{MONTH_FULL})(?:,?\s+(?P<y>{YEAR}))?\b"),
    ("month_year", rf"(?P<m>{MONTH})(?![a-z])(?:,?\s+|\s+of\s+)(?P<y>{YEAR})(?!\d)"),
    ("decade", r"(?:(?P<mod>(?i:early|mid|late))[-\s])?(?:(?P<dec>(?:1[0-9]|20)\d0)'?s|"
               r"'(?P<dec2>\d0)s|(?P<decw>(?i:twenties|thirties|forties|fifties|sixties|"
               r"seventies|eighties|nineties)))\b"),
    ("season", rf"(?:(?P<rel>{_REL}|(?i:early|late))\s+)?(?P<s>{SEASON})\b"
               rf"(?:\s+(?:of\s+)?(?P<y>{YEAR}))?(?!\d)"),
    ("quarter", rf"(?:(?P<rel>{_REL})\s+)?(?:(?P<ord>(?i:first|second|third|fourth|final))"
                rf"[-\s](?:fiscal[-\s])?quarter|Q(?P<q>[1-4])|(?P<bare>(?i:quarter)))\b"
                rf"(?:,?\s+(?:of\s+)?(?:(?:fiscal\s+)?(?P<y>{YEAR})|FY\s?(?P<fy>\d\d)\b))?"),
    ("half", rf"(?P<ord>(?i:first|second|latter))\s+half(?:\s+of\s+(?:the\s+year\s+)?"
             rf"(?P<y>{YEAR}))?\b|H(?P<h>[12])\s+(?P<y2>{YEAR})\b"),
    ("fiscal", rf"(?i:fiscal)(?:[-\s]year)?\s+(?P<y>{YEAR})\b|\bFY\s?(?P<y2>{YEAR}|\d\d)\b"),
    ("time", r"\b(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]m\b)"
             r"|\b(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)\b(?!:\d)"
             r"|\b(?P<noon>(?i:noon|midnight|midday))\b"),
    ("weekday", rf"(?:(?P<rel>(?i:last|next|this|coming|past))\s+)?(?P<wd>{WEEKDAY_FULL})"
                rf"(?:'s)?(?:\s+(?P<part>{_PARTS}))?\b"),
    ("month", rf"(?:(?P<rel>{_REL})\s+)?(?P<m>{MONTH_FULL})\b(?!\s+\d)"),
    ("year", rf"{_NOT_NUM_BEFORE}(?<!\w)(?P<y>{YEAR})(?:'s)?(?![\d%/]|\.\d|,\d|-\d\d\b)"),
    ("deictic", r"\b(?P<w>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|"
                r"yesterday|today|tonight|tomorrow|now|currently|recently|nowadays|"
                r"these\s+days|at\s+present|presently|the\s+present|the\s+future|the\s+past"
                r"(?!\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|decades?))))\b"
                rf"(?:\s+(?P<part>{_PARTS}))?"),
    ("vague_future", r"(?i:\bthe\s+(?:coming|next\s+few|following\s+few)\s+"
                     r"(?P<u>days|weeks|months|years)|\bthe\s+(?P<u2>days|weeks|"
                     r"months|years)\s+ahead|\bthe\s+(?P<u3>year|month|week)\s+ahead|"
                     r"\bthe\s+near\s+future)"),
    ("rel_unit", rf"\b(?:(?P<pre>(?i:earlier|later))\s+)?(?:(?P<the>(?i:the))\s+)?"
                 rf"(?P<rel>{_REL}|(?i:this\s+past))\s+"
                 r"(?P<u>(?i:week|weekend|month|year|quarter|decade|century|season))\b"),
    ("edge", r"(?i:(?:the\s+)?(?P<edge>beginning|start|end|middle|turn)\s+of\s+(?:the|this|"
             r"last|next)\s+(?P<u>year|month|week|decade|century))"),
    ("ago", rf"(?<![\w-])(?P<n>{NUMBER}|(?i:several|a\s+few|few|many|a\s+couple\s+of))[-\s]+"
            rf"(?P<u>{UNIT})\s+(?P<dir>ago|earlier|later|before|after|previously|hence)\b"),
    ("anchored", r"(?i:the\s+(?P<rel>next|following|previous|preceding|same|prior)\s+"
                 r"(?P<u>day|week|month|year|morning|afternoon|evening|night|weekend)|"
                 r"the\s+day\s+(?P<dir>before|after)|(?P<that>that|the\s+same)\s+"
                 r"(?P<u2>day|week|month|year|morning|evening|night))\b"),
    ("set", r"(?i:\b(?:every|each|per)\s+(?:other\s+)?(?P<u>day|week|month|year|quarter|"
            r"morning|evening|night|weekend|monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|january|february|march|april|may|june|july|august|september|october|"
            r"november|december|spring|summer|autumn|fall|winter)\b|\b(?P<adv>annually|yearly|"
            r"monthly|weekly|daily|quarterly|nightly|hourly|biweekly|biannually|"
            r"semiannually|month-to-month|year-on-year|week-on-week|month-on-month)\b|"
            r"\b(?:once|twice|three\s+times)\s+a\s+(?P<u2>day|week|month|year)\b)"),
    ("duration", r"(?:(?P<pre>(?i:the\s+(?:past|last|next|previous|first|final|coming)|"
                 r"(?:past|last|next)|(?:over|for|during|in|within)\s+the\s+(?:past|last|next)"
                 r"))\s+)?(?<![\w-])(?P<n>" + NUMBER +
                 r"|(?i:several|a\s+few|few|many|a\s+couple\s+of"
                 r"|more\s+than\s+\w+|nearly\s+\w+))[-\s]+(?P<u>" + UNIT + r")"
                 r"(?P<long>-(?:long|old))?\b"),
    ("before", r"(?i:(?:just\s+|only\s+|a\s+few\s+|several\s+|two\s+|three\s+)?"
               r"(?P<u>days|weeks|months|hours)\s+(?P<dir>before|earlier\s+than|after|"
               r"prior\s+to|ahead\s+of))\b"),
]]

_PREPOSITIONS = re.compile(
    r"(?:\b(?:in|on|since|until|till|by|from|through|during|of|before|after|early|late|mid|"
    r"last|next|this|or|and|to|between|for|around|about|until|into|that|every|each|"
    r"coming|past)|mid-|'s|’s)\s*$", re.IGNORECASE)
_COUNT_NOUN = re.compile(r"\s+(?:[a-z]+(?:-[a-z]+)?\s+)?(?:people|persons|troops|soldiers|"
                         r"children|men|women|cases|deaths|votes|units|tons|tonnes|barrels|"
                         r"miles|kilometres|kilometers|km|metres|meters|feet|acres|shares|"
                         r"jobs|dollars|euros|yuan|rubles|roubles|members|aircraft|ships|"
                         r"planes|points|students|workers|residents|times|pounds|cars|"
                         r"homes|houses|employees|seats|delegates|items|words|pages)\b")
_AMOUNT_BEFORE = re.compile(r"(?:[$€£¥]|US\$|\b(?:about|some|nearly|over|than|least|around|"
                            r"approximately|almost|roughly|just|up\s+to|only|No\.|no\.|number|"
                            r"page|pp?\.|Nos?\.|#|top|all|the\s+first|of\s+the)\s*)$")


def _ambiguous_month(text: str, c: Candidate) -> bool:
    """"May" and "March" alone are a modal and a verb unless a preposition comes first."""
    month = c.get("m")
    if c.rule != "month" or month.lower() not in ("may", "march") or c.get("rel"):
        return False
    before = text[max(0, c.start - 16):c.start]
    return not _PREPOSITIONS.search(before) or month.isupper()


def _count_not_year(text: str, c: Candidate) -> bool:
    """A bare four-digit number that counts things ("1500 troops", "about 2000 people")."""
    if c.rule != "year":
        return False
    after = text[c.end:c.end + 40]
    before = text[max(0, c.start - 24):c.start]
    if re.match(r"\s*(?:%|percent|per\s+cent|million|billion|bn|m\b|km|kg|mw)", after, re.I):
        return True
    if _AMOUNT_BEFORE.search(before):
        return True
    return bool(_COUNT_NOUN.match(after)) and not re.search(r"\b(?:in|since|of|the)\s*$", before)


_FUNCTION_WORDS = {"in", "on", "by", "since", "during", "this", "last", "next", "the", "early",
                   "late", "until", "till", "mid", "from", "through", "throughout", "before",
                   "after", "that", "each", "every", "of", "for", "a", "an", "and", "or"}


def _weak_season(text: str, c: Candidate) -> bool:
    """"fall" and "spring" as verbs or nouns ("prices fall", "a spring"), and seasons in
    names ("the Winter Olympics", "the Summer Palace", "the Arab Spring")."""
    if c.rule != "season":
        return False
    word = (c.get("s") or text[c.start:c.end].split()[-1])
    if word[:1].isupper():
        name_after = re.match(r"\s+(?:[A-Z][a-z]|of\s+[A-Z])", text[c.end:c.end + 8])
        name_before = re.search(r"\b([A-Z][a-z]+)\s+$", text[max(0, c.start - 20):c.start])
        if name_after or (name_before and name_before.group(1).lower() not in _FUNCTION_WORDS):
            return True
    if c.get("rel") or c.get("y"):
        return False
    before = text[max(0, c.start - 12):c.start]
    return not re.search(r"\b(?:in|this|last|next|the|during|by|since|until|early|late)\s+$",
                         before, re.I) or (c.get("s").lower() == "fall" and not re.search(
        r"\b(?:this|last|next|in\s+the|the)\s+$", before, re.I))


def _weak_quarter(text: str, c: Candidate) -> bool:
    """"quarter" alone is a district or a fraction unless it has a determiner."""
    if c.rule != "quarter" or not c.get("bare"):
        return False
    return not c.get("rel") and not re.search(r"\b(?:the|this|that)\s+$",
                                              text[max(0, c.start - 6):c.start], re.I)


def _weekday_in_name(text: str, c: Candidate) -> bool:
    """"Sunday Times", "Bloody Sunday", "Good Friday" are names, not dates."""
    if c.rule != "weekday":
        return False
    after = text[c.end:c.end + 12]
    before = text[max(0, c.start - 8):c.start]
    return bool(re.match(r"\s+(?:Times|Telegraph|Express|Mirror|Post|Herald|Morning\s+Post)\b",
                         after)) or bool(re.search(r"\b(?:Good|Bloody|Black|Super)\s+$", before))


def _named_year(text: str, c: Candidate) -> bool:
    """"Year of the Dragon", "the Year of Culture": a name, not a date."""
    return c.rule == "rel_unit" and bool(re.match(r"\s+of\s+(?:the\s+)?[A-Z]", text[c.end:])) \
        and text[c.end - 4:c.end] == "Year"


FILTERS: list[tuple[str, Callable[[str, Candidate], bool]]] = [
    ("year-of-the-name", _named_year),
    ("modal-may-and-verb-march", _ambiguous_month),
    ("count-not-year", _count_not_year),
    ("season-word-not-season", _weak_season),
    ("quarter-word-not-quarter", _weak_quarter),
    ("weekday-in-name", _weekday_in_name),
]


def find_candidates(text: str) -> list[Candidate]:
    """Every rule's matches, longest first without overlaps, then the trap filters."""
    found: list[tuple[int, int, int, Candidate]] = []
    for order, (name, pattern) in enumerate(RULES):
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1] in " ,-–":
                end -= 1
            if end > start:
                groups = {k: v for k, v in match.groupdict().items() if v}
                found.append((start, -(end - start), order, Candidate(name, start, end, groups)))
    found.sort(key=lambda item: (item[1], item[0], item[2]))
    taken: list[Candidate] = []
    for _, _, _, cand in found:
        if any(cand.start < t.end and t.start < cand.end for t in taken):
            continue
        if any(reject(text, cand) for _, reject in FILTERS):
            continue
        taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken
