"""Our own patterns for time expressions: named rules, then named filters for traps."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from timeline.lexicon import (
    DAY,
    FOREIGN_MONTH,
    HOLIDAY,
    MONTH,
    MONTHS,
    NUMBER,
    SEASON,
    SPELLED_UNITS,
    SPELLED_YEAR,
    UNIT,
    WEEKDAY,
    WEEKDAY_FULL,
    WEEKDAYS,
    YEAR,
)
from timeline.regex_starts import Scanner

MONTH_FULL = ("(?:January|February|March|April|May|June|July|August|September|October|"
              "November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|"
              "OCTOBER|NOVEMBER|DECEMBER)")
_REL = r"(?i:last|next|this|coming|past|previous|current|following|same|prior|that)"
_PARTS = r"(?i:morning|afternoon|evening|night|overnight)"
_AUXILIARIES = ("will", "may", "might", "can", "could", "would", "should", "must", "to", "did",
                "does", "do", "not", "won't", "'ll")
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


# Every expression starts at the start of a word; saying so first lets the engine skip the
# other positions cheaply (several times faster on long sentences).
_LIST_END = rf"(?=\s*(?:[.;:!?)]|,(?!\s*\d)|$)|,?\s+{YEAR}(?!\d))"
"""What may follow the last day of "May 3 and 17" for it to be a day: the end of the clause
or a year, not "May 3 and 4 officers" (a day, then a count)."""
_WORD_START = r"(?<!\w)"
RULES: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(_WORD_START + "(?:" + pattern + ")"))
                                           for name, pattern in [
    ("iso", rf"\b(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])"
            r"(?:T(?P<hh>[01]\d|2[0-3]):(?P<mm>[0-5]\d)(?::\d\d)?)?\b(?![-/]\d)"),
    ("numeric", rf"{_NOT_NUM_BEFORE}\b(?P<a>\d{{1,4}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)"
                r"(?P<c>\d{4}|\d{2})\b(?![./]\d)"),
    ("dmy", rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?:the\s+)?{_NOT_NUM_BEFORE}\b"
            rf"(?P<dl>(?:{DAY},\s+)+(?={DAY}\s+and\s))?(?P<d>{DAY})"
            rf"(?:(?P<dsep>\s*[-–]\s*|\s+(?:to|through|and|or)\s+)(?P<d2>{DAY}))?(?:\s+of)?"
            rf"\s+(?P<m>{MONTH})(?![a-z])"
            rf"(?:,?\s+(?P<y>{YEAR})\b)?"),
    ("foreign_dmy", rf"{_NOT_NUM_BEFORE}\b(?P<d>3[01]|[12]\d|0?[1-9])(?:er|\.|º|°)?\s+"
                    rf"(?:de\s+)?(?P<fm>{FOREIGN_MONTH})(?!\w)\s+(?:de\s+|del\s+)?"
                    rf"(?P<y>{YEAR})\b(?:\s+(?:года|г\.))?"),
    ("mdy", rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?P<m>{MONTH})(?![a-z])\s+(?:the\s+)?(?P<d>{DAY})"
            rf"(?!\d|:\d|%|\s*(?:%|percent|per\s+cent|million|billion|[ap]\.?m\b))"
            rf"(?:(?P<dsep>\s*[-–]\s*|\s+or\s+)(?P<d2>{DAY})(?!\d)|(?P<ml>(?:,\s+{DAY}(?!\d))*),?\s+and\s+"
            rf"(?P<d3>{DAY})(?!\d)(?:(?<=st|nd|rd|th)|{_LIST_END}))?"
            rf"(?:,?\s+(?P<y>{YEAR})(?!\d))?\b"),
    ("month_or", rf"(?P<m>{MONTH_FULL})\s+(?P<conj>or|and|to|through|-|–)\s+"
                 rf"(?P<m2>{MONTH_FULL})(?:,?\s+(?P<y>{YEAR}))?\b"),
    ("month_year", rf"(?P<m>{MONTH})(?![a-z])(?:,?\s+|\s+of\s+)(?:(?P<y>{YEAR})(?!\d)|"
                   rf"(?P<sy>{SPELLED_YEAR})\b)"),
    ("decade", r"(?:(?P<the>[Tt]he)\s+)?(?:(?P<mod>(?i:early|mid|late))[-\s])?"
               r"(?:(?P<dec>(?:1[0-9]|20)\d0)'?s|"
               r"'(?P<dec2>\d0)s|(?P<decw>(?i:twenties|thirties|forties|fifties|sixties|"
               r"seventies|eighties|nineties)))\b"),
    ("century", r"(?:[Tt]he\s+)?(?P<n>[12]?\d)(?:st|nd|rd|th)[-\s](?i:century)\b"),
    ("season", rf"(?:(?P<rel>{_REL}|(?i:early|late))\s+)?(?P<s>{SEASON})\b"
               rf"(?:\s+(?:of\s+)?(?:(?P<y>{YEAR})|(?P<sy>{SPELLED_YEAR})\b))?(?!\d)"),
    ("quarter", rf"(?:(?P<the>[Tt]he)\s+)?(?:(?P<py>{YEAR})\s+|(?P<ry>(?i:this|last|next))\s+"
                rf"year's\s+|(?P<yago>(?i:(?:comparable|corresponding)\s+)?year[-\s](?:ago|"
                rf"earlier))\s+|(?P<latest>(?i:latest|most\s+recent))\s+|(?P<rel>{_REL})\s+)?"
                rf"(?:(?i:fiscal)[-\s])?(?:(?P<ord>(?i:first|second|third|fourth|final))"
                rf"[-\s](?:(?i:fiscal)[-\s])?quarter|Q(?P<q>[1-4])|(?P<bare>(?i:quarter|period)))"
                rf"\b(?:,?\s+(?:of\s+)?(?:(?:fiscal\s+)?(?P<y>{YEAR})|FY\s?(?P<fy>\d\d)\b))?"),
    ("year_ago", r"\b(?i:year[-](?:ago|earlier))\b"),
    ("half", rf"(?P<ord>(?i:first|second|latter))\s+half(?:\s+of\s+(?:the\s+year\s+)?"
             rf"(?P<y>{YEAR}))?\b|H(?P<h>[12])\s+(?P<y2>{YEAR})\b"),
    ("fiscal", rf"(?i:fiscal)(?:[-\s]year)?\s+(?P<y>{YEAR})\b|\bFY\s?(?P<y2>{YEAR}|\d\d)\b"),
    ("time", r"(?:\b(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]m\b)"
             r"|\b(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)\b(?!:\d)"
             r"|\b(?P<noon>(?i:noon|midnight|midday))\b)"
             r"(?:\s+(?:[ECMP][SD]T|GMT|UTC)\b)?"
             rf"(?:,?\s+(?P<day>{WEEKDAY_FULL}|(?i:today|tomorrow|yesterday|tonight)|"
             rf"(?P<m>{MONTH})\s+(?P<d>{DAY})(?!\d))\b)?"),
    ("weekday", rf"(?:(?P<rel>(?i:last|next|this|coming|past|the\s+(?:following|preceding|"
                rf"previous)))\s+)?(?P<wd>{WEEKDAY_FULL})"
                r"(?:,?\s+(?:of\s+)?(?P<wrel>(?i:last|next|this))\s+week\b(?![-’'])|"
                r"\s+(?P<wk>week)\b(?![-’'])"
                r"(?!\s+(?:of|long|earlier|later|before|after|ago)\b))?"
                rf"(?:'s)?(?:\s+(?P<part>{_PARTS}))?\b"),
    ("month", rf"(?:(?P<rel>{_REL})\s+)?(?P<m>{MONTH_FULL})\b(?!\s+\d)"
              r"(?:,?\s+(?:of\s+)?(?P<ry>(?i:this|last|next))\s+year\b)?"),
    ("year", rf"(?:(?<=\b[Mm]id-)|(?<=\b[Pp]re-)|(?<=\b[Pp]ost-)|{_NOT_NUM_BEFORE}(?<!\w))"
             rf"(?P<y>{YEAR})(?:[-–/](?P<y2>{YEAR}|\d\d)(?![\d%/]|\.\d|,\d|-\d))?(?:'s)?"
             r"(?![\d%/]|\.\d|,\d|-\d\d\b)"),
    ("deictic", r"\b(?P<w>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|"
                r"yesterday|today|tonight|tomorrow|now|currently|recently|nowadays|"
                r"these\s+days|at\s+present|presently|the\s+present|the\s+future|the\s+past"
                r"(?!\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|decades?|quarters?|"
                r"summers?|winters?|springs?|autumns?|falls?|seasons?|centur(?:y|ies)))|"
                r"current(?!\s+(?:fiscal\s+)?(?:year|quarter|month|week|season)s?\b)|"
                r"as\s+soon\s+as\s+possible|soon(?!\s+(?:after|before|as|afterwards?)\b)"
                r"(?<!as\ssoon)))\b"
                rf"(?:\s+(?P<part>{_PARTS}))?"),
    ("recent", r"\b(?i:recent\s+(?P<u>days|weeks|months|years|quarters|decades))\b"),
    ("the_year", r"\b[Tt]he\s+(?:(?P<q>(?i:full|current|latest|fiscal|current\s+fiscal|latest\s+"
                 r"fiscal|full\s+fiscal))[-\s]+)?year\b(?![-'’]|\s+\d|\s+(?:two\s+thousand|before|"
                 r"after|earlier|later|of|in\s+which|when|ago|to\s+date)\b)"),
    ("weekend", r"\b[Tt]he\s+weekend\b"),
    ("units", r"(?<![\w-])(?P<u>years|weeks|months|days|decades|hours|minutes)\b"
              r"(?!\s+(?:ago|earlier|later|before|after)\b)"),
    ("holiday", rf"(?:(?P<rel>(?i:last|next|this))\s+)?(?P<h>{HOLIDAY})"
                rf"(?:,?\s+(?:of\s+)?(?P<y>{YEAR}))?(?![\w'’-])"),
    ("spelled_year", rf"\b(?:(?i:the\s+year\s+)(?P<sy>(?i:two\s+thousand(?:\s+and\s+"
                     rf"{SPELLED_UNITS})?))|(?P<sy2>{SPELLED_YEAR}))\b"),
    ("day_part", rf"\b(?:(?P<pre>(?i:later|earlier))\s+)?(?P<rel>(?i:this|last|tomorrow|"
                 rf"yesterday))\s+(?P<part>{_PARTS})\b"),
    ("vague_future", r"(?i:\bthe\s+(?:coming|next\s+few|following\s+few)\s+"
                     r"(?P<u>days|weeks|months|years)|\bthe\s+(?P<u2>days|weeks|"
                     r"months|years)\s+ahead|\bthe\s+(?P<u3>year|month|week)\s+ahead|"
                     r"\bthe\s+near\s+future)"),
    ("rel_unit", rf"\b(?:(?P<pre>(?i:earlier|later))\s+)?(?:(?P<the>(?i:the))\s+)?"
                 rf"(?P<rel>{_REL}|(?i:this\s+past))\s+"
                 r"(?P<u>(?i:week|weekend|month|year|quarter|decade|century|season))\b"),
    ("edge", r"(?i:(?:the\s+)?(?P<edge>beginning|start|end|middle|turn)\s+of\s+(?:the|this|"
             r"last|next)\s+(?P<u>year|month|week|decade|century))"),
    ("ago", rf"(?<![\w-])(?:(?P<about>(?i:nearly|almost|about|some|roughly|around|more\s+than"
            rf"|less\s+than|at\s+least|over|just|only))\s+)?(?P<n>{NUMBER}|(?i:several|a\s+few|"
            r"few|many|a\s+couple\s+of))[-\s]+"
            rf"(?P<u>{UNIT})(?:\s+(?P<dir>ago|earlier|later|previously|hence)\b|"
            r"(?=\s+(?P<rel>before|after)\b))"),
    ("anchored", r"(?i:the\s+(?P<rel>next|following|previous|preceding|same|prior)\s+"
                 r"(?P<u>day|week|month|year|morning|afternoon|evening|night|weekend)|"
                 r"the\s+day(?:\s+(?P<dir>before|after)(?!\s+[\w$])|(?=\s+(?P<conj>before|"
                 r"after)\s+[\w$]))|(?P<that>that|the\s+same)\s+"
                 r"(?P<u2>day|week|month|year|morning|evening|night))\b"),
    ("set", r"(?i:\b(?:every|each|per)\s+(?:other\s+)?(?P<u>day|week|month|year|quarter|"
            r"morning|evening|night|weekend|monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|january|february|march|april|may|june|july|august|september|october|"
            r"november|december|spring|summer|autumn|fall|winter)\b|\b(?P<adv>annually|yearly|"
            r"monthly|weekly|daily|quarterly|nightly|hourly|biweekly|biannually|"
            r"semiannually|month-to-month|year-on-year|week-on-week|month-on-month)\b|"
            r"\b(?:once|twice|three\s+times)\s+a\s+(?P<u2>day|week|month|year)\b)"),
    ("duration", r"(?:(?P<pre>(?i:the\s+(?:past|last|next|previous|first|final|coming)|"
                 + "".join(rf"(?<!\b{w}\s)" for w in _AUXILIARIES) +  # "may last a year"
                 r"(?:past|last|next)))\s+)?(?<![\w-])(?P<n>" + NUMBER +
                 r"|(?i:several|a\s+few|few|many|a\s+couple\s+of"
                 r"|more\s+than\s+\w+|nearly\s+\w+))[-\s]+(?P<u>" + UNIT + r")"
                 r"(?P<long>-(?:long|old))?\b"),
    ("before", r"(?i:(?:just\s+|only\s+|a\s+few\s+|several\s+|two\s+|three\s+)?"
               r"(?P<u>days|weeks|months|hours)(?=\s+(?P<dir>before|earlier\s+than|after|"
               r"prior\s+to|ahead\s+of)\b))"),
]]

_DIGIT = "0-9"
_UNITS_HINT = ("second", "minute", "hour", "day", "night", "week", "month", "quarter", "year",
               "decade", "centur", "millenni")
_MONTHS_HINT = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")
# A cheap test per rule: lower-case words one of which a sentence must hold (or a digit)
# for the rule to count in it. Each must accept everything its rule accepts. (They were
# there to save running the rule's slower pattern; now that the scanner tries a rule only
# where it can start, a hint is asked only once the rule has matched in the sentence.)
_HINTS: dict[str, tuple[str, ...]] = {
    "iso": (_DIGIT,), "numeric": (_DIGIT,), "dmy": _MONTHS_HINT, "mdy": _MONTHS_HINT,
    "foreign_dmy": (_DIGIT,),
    "month_or": _MONTHS_HINT, "month_year": _MONTHS_HINT, "month": _MONTHS_HINT,
    "decade": (_DIGIT, "ties"), "century": ("century",),
    "season": ("spring", "summer", "autumn", "fall", "winter"),
    "quarter": ("quarter", "period", "q1", "q2", "q3", "q4"), "year_ago": ("year-",),
    "half": ("half", "h1", "h2"), "fiscal": ("fiscal", "fy"),
    "time": (_DIGIT, "noon", "midnight", "midday"), "weekday": ("day",), "year": (_DIGIT,),
    "deictic": ("day", "tonight", "tomorrow", "now", "current", "recent", "present", "future",
                "past", "soon"),
    "recent": ("recent",), "the_year": ("year",), "weekend": ("weekend",),
    "units": ("years", "weeks", "months", "days", "decades", "hours", "minutes"),
    "holiday": ("christmas", "easter", "thanksgiving", "halloween", "day", "eve"),
    "spelled_year": ("nineteen", "eighteen", "thousand"),
    "day_part": ("morning", "afternoon", "evening", "night"),
    "vague_future": ("coming", "next", "following", "ahead", "future"),
    "rel_unit": ("week", "month", "year", "quarter", "decade", "century", "season"),
    "edge": (" of ",), "ago": _UNITS_HINT, "anchored": (*_UNITS_HINT, "morning", "afternoon",
                                                       "evening"),
    "set": ("every", "each", "per", "ly", "once", "twice", "times", "-to-", "-on-"),
    "duration": _UNITS_HINT, "before": ("days", "weeks", "months", "hours"),
}
_RULE_HINTS = [re.compile("|".join(r"\d" if word == _DIGIT else re.escape(word)
                                   for word in _HINTS[name])) if name in _HINTS else None
               for name, _ in RULES]
"""Each rule's hint as one pattern, searched for in the lower-cased sentence."""


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


_UNIT_AFTER = re.compile(r"\s*(?:%|percent|per\s+cent|million|billion|bn|m\b|km|kg|mw)", re.I)
_YEAR_PREPOSITION = re.compile(r"\b(?:in|since|of|the)\s*$")


def _ambiguous_month(text: str, c: Candidate) -> bool:
    """"May" and "March" alone are a modal and a verb unless a preposition comes first."""
    month = c.get("m")
    if c.rule != "month" or month.lower() not in ("may", "march") or c.get("rel"):
        return False
    before = text[max(0, c.start - 16):c.start]
    return not _PREPOSITIONS.search(before) or month.isupper()


_NUMBER_AFTER = re.compile(r"\s*(?:[-–]|to|or)\s*\d[\d,]*\b")


def _count_not_year(text: str, c: Candidate) -> bool:
    """A bare four-digit number that counts things ("1500 troops", "about 2000 people")."""
    if c.rule != "year":
        return False
    after = text[c.end:c.end + 40]
    after = after[m.end():] if (m := _NUMBER_AFTER.match(after)) else after  # "2000-3000 people"
    before = text[max(0, c.start - 24):c.start]
    if _UNIT_AFTER.match(after) or _AMOUNT_BEFORE.search(before):
        return True
    return bool(_COUNT_NOUN.match(after)) and not _YEAR_PREPOSITION.search(before)


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
    if c.get("py") or c.get("yago") or c.get("latest"):
        return False
    if c.get("bare").lower() == "period":
        return True
    return not c.get("rel") and not c.get("the") and not re.search(
        r"\b(?:this|that)\s+$", text[max(0, c.start - 6):c.start], re.I)


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


_WORD_BEFORE_YEAR = re.compile(r"(?<![\w'’.-])([A-Z][A-Za-z]*)\s$")
_NOT_A_NAME = frozenset({
    *_FUNCTION_WORDS, "around", "about", "circa", "ca", "between", "towards", "toward", "into",
    "over", "within", "beyond", "approximately", "roughly", "nearly", "almost", "only", "just",
    "even", "still", "already", "also", "but", "so", "yet", "as", "at", "to", "with",
    "without", "against", "under", "like", "unlike", "than", "per", "via", "past", "near",
    "across", "along", "amid", "among", "despite", "following", "ahead", "prior", "year",
    "years", "fiscal", "calendar", "spring", "summer", "autumn", "fall", "winter", "christmas",
    "easter", "fy", "cy", "q1", "q2", "q3", "q4", "h1", "h2", "ad", "bc", "ce", "bce", "is",
    "was", "were", "are", "be", "it", "its", "while", "when", "where", "if", "once", "then",
    "now", "again", "mid", "pre", "post", "all", "not", "never", "what", "until", "up",
    *(m.rstrip(".") for m in MONTHS), *(d.rstrip(".") for d in WEEKDAYS)})
"""Capitalised words before a year that do not make it part of a name."""


def _year_in_name(text: str, c: Candidate) -> bool:
    """"Vision 2030", "Agenda 2063", "Expo 2020" (held in 2021), "Euro 2024": a year in a
    name says nothing of when what the sentence reports happened."""
    if c.rule != "year" or c.get("y2"):
        return False
    word = _WORD_BEFORE_YEAR.search(text, max(0, c.start - 30), c.start)
    return word is not None and word.group(1).lower() not in _NOT_A_NAME


def _attributive_frequency(text: str, c: Candidate) -> bool:
    """"its quarterly dividend", "the quarterly results": a kind of thing, not a set of times."""
    return c.rule == "set" and c.get("adv").lower() == "quarterly" and bool(
        re.match(r"\s+[a-z]", text[c.end:c.end + 2]))


_AMOUNT_THEN_WORDS = re.compile(
    r"(?:\d[\d,.]*|million|billion|thousand|hundred|dozen|one|two|three|four|five|six|seven|"
    r"eight|nine|ten)(?:\s+[a-z]+){0,2}\s+$", re.IGNORECASE)


_OLD = re.compile(r"\s+old\b")
_OF = re.compile(r"\s+of\b")
_LOWER_WORD = re.compile(r"\s+[a-z]")


def _not_a_length(text: str, c: Candidate) -> bool:
    """Numbers with a unit that are no length of time: ages ("52 years old"), rates ("$2
    million a year", "24 hours a day"), fractions ("three-quarters of"), ordinals ("a second
    group")."""
    if c.rule != "duration":
        return False
    after = text[c.end:c.end + 12]
    unit = c.get("u").lower()
    count = c.get("n").lower()
    if _OLD.match(after):
        return True
    if unit.startswith("quarter") and (_OF.match(after) or "-" in text[c.start:c.end]):
        return True
    if count in ("a", "an"):
        if unit == "second" and _LOWER_WORD.match(after):
            return True
        return bool(_AMOUNT_THEN_WORDS.search(text[max(0, c.start - 40):c.start]))
    return False


def _title_or_idiom(text: str, c: Candidate) -> bool:
    """Titles and idioms that look like times: ABC's "This Week", "High Noon"."""
    if c.rule == "rel_unit" and c.get("u")[:1].isupper() and c.get("rel")[:1].isupper() and \
            text[:c.start].strip(" \"'“‘`"):
        return True
    return c.rule == "time" and c.get("noon") != "" and bool(
        re.search(r"\bhigh\s+$", text[max(0, c.start - 6):c.start], re.I))


def _discourse_now(text: str, c: Candidate) -> bool:
    """"Now, he says ...": a sentence-opening "Now," that moves the story on, not a time."""
    return c.rule == "deictic" and c.get("w") == "Now" and not text[:c.start].strip(
        " \"'“‘`") and text[c.end:c.end + 1] == ","


_PERIOD_BEFORE = re.compile(r"\b(?:for|within|in|over|after|take|takes|took|lasted)\s+$", re.I)


def _unit_not_period(text: str, c: Candidate) -> bool:
    """A bare plural unit is a length of time only after "for", "within", "in", "over"..."""
    if c.rule != "units":
        return False
    return not _PERIOD_BEFORE.search(text[max(0, c.start - 8):c.start])


FILTERS: list[tuple[str, tuple[str, ...], Callable[[str, Candidate], bool]]] = [
    # name, the rules it judges (it passes every other rule's candidates), the filter
    ("bare-unit-not-period", ("units",), _unit_not_period),
    ("discourse-now", ("deictic",), _discourse_now),
    ("title-or-idiom", ("rel_unit", "time"), _title_or_idiom),
    ("age-rate-fraction-ordinal", ("duration",), _not_a_length),
    ("frequency-adjective", ("set",), _attributive_frequency),
    ("year-of-the-name", ("rel_unit",), _named_year),
    ("modal-may-and-verb-march", ("month",), _ambiguous_month),
    ("count-not-year", ("year",), _count_not_year),
    ("year-in-a-name", ("year",), _year_in_name),
    ("season-word-not-season", ("season",), _weak_season),
    ("quarter-word-not-quarter", ("quarter",), _weak_quarter),
    ("weekday-in-name", ("weekday",), _weekday_in_name),
]
_FILTERS_FOR = {rule: tuple(reject for _, rules, reject in FILTERS if rule in rules)
                for rule, _ in RULES}


# Each rule is tried only where a word can start and the next few characters fit it
# (regex_starts.py), instead of each rule's finditer trying every position of the sentence:
# the same matches, found several times faster.
_SCANNER = Scanner([pattern for _, pattern in RULES], _WORD_START, 7)


def find_candidates(text: str) -> list[Candidate]:
    """Every rule's matches, longest first without overlaps, then the trap filters."""
    lowered: list[str] = []  # the sentence in lower case, once a hint needs it

    def hinted(order: int) -> bool:
        hint = _RULE_HINTS[order]
        if hint is None:
            return True
        if not lowered:
            lowered.append(text.lower())
        return hint.search(lowered[0]) is not None

    matches = _SCANNER.matches(text, hinted)
    if not matches:
        return []
    found: list[tuple[int, int, int, Candidate]] = []
    for order, match in matches:
        start, end = match.span()
        while end > start and text[end - 1] in " ,-–":
            end -= 1
        if end > start:
            groups = {k: v for k, v in match.groupdict().items() if v}
            found.append((start, -(end - start), order,
                          Candidate(RULES[order][0], start, end, groups)))
    found.sort(key=lambda item: (item[1], item[0], item[2]))
    taken: list[Candidate] = []
    for _, _, _, cand in found:
        if any(cand.start < t.end and t.start < cand.end for t in taken):
            continue
        if any(reject(text, cand) for reject in _FILTERS_FOR[cand.rule]):
            continue
        taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken
