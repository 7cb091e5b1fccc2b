"""Words and regular-expression pieces that the time-expression finder is built from."""

from __future__ import annotations

import re

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
FULL_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "half": 0.5,
    "a couple of": 2, "a few": 3, "few": 3, "several": 3, "some": 3, "many": 3,
    "a dozen": 12, "dozen": 12, "single": 1,
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4, "final": 4}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
UNITS = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
    "weekend": "WE", "fortnight": "FN", "month": "M", "quarter": "Q", "year": "Y",
    "decade": "DE", "century": "CE", "millennium": "ML",
}
DECADE_WORDS = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90,
}
# Words that make the nearest verb future ("will meet on Friday") or past. "due to" is
# future only after a form of "be" ("is due to arrive"), not as a cause ("cancelled due to
# a strike").
FUTURE_CUES = re.compile(
    r"\b(?:will|shall|won't|'ll|would|to be held|(?:(?:is|are|was|were)\s+)?(?<!had\sbeen\s)"
    r"(?:expected|scheduled|set|slated|going|planning|planned|poised|likely|ready|about)\s+"
    r"to|(?:is|are|was|were|be|'s)\s+due\s+to|"
    r"(?:set|slated|due|planned|expected|pencilled\s+in)\s+(?:for|on)|"
    r"(?:is|are|'s|be)\s+(?:now\s+)?(?:due|expected)|(?:is|are)(?=\s+(?:(?:in|at)\s+[\w-]+\s+)?"
    r"(?:on\s+)?(?:this\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)|(?:should|might|(?-i:may))\s+"
    r"(?:(?:still|now|also|only|yet)\s+)?(?!have\b|not\b|n't\b)(?=[a-z])|(?:is|are)\s+to|plans?\s+to|intends?\s+to|aims?\s+to|as\s+soon\s+as|"
    r"(?<!had\sbeen\s)scheduled|upcoming|forthcoming|(?<!the\s)next(?!\s+(?:to|door)\b)|"
    r"as\s+early\s+as|no\s+later\s+than|(?-i:(?:meet|begin|resume|leave|arrive|"
    r"visit|travel)s?|opens|closes|starts|ends|expires|kicks\s+off|takes?\s+effect)|"
    r"polls\s+(?:open|close))\b", re.IGNORECASE)
"""What says a sentence is about what lies ahead, the present of a timetable included
("polls close on Sunday", "the law takes effect on Friday")."""
PAST_CUES = re.compile(
    r"\b(?:was|were|had|did|said|told|met|held|took|gave|made|went|came|signed|visited|"
    r"announced|reported|stated|declared|arrived|called|launched|began|ended|last|ago|"
    r"lost|rose|fell|won|sold|paid|led|left|saw|grew|spent|struck|fought|became|brought|"
    r"bought|built|caught|chose|drove|flew|kept|knew|ran|sent|spoke|stood|wrote|found|felt|"
    r"heard|meant|sank|broke|shot|fled|died|killed|withdrew|overthrew|threw|drew|blew|oversaw|"
    r"sought|thought|taught|dealt|swept|slept|lent|sang|drank|swore|rode|wore|stole|froze|"
    r"woke|overcame|undertook|overtook|shook|understood|upheld|withstood|stuck|dug|forgot|"
    r"forbade|arose|"
    r"earlier|(?-i:[a-z]{3,}ed)(?<!need)(?<!ceed)(?<!hundred)(?<!speed)(?<!seed)(?<!feed)"
    r"(?<!breed)(?<!shed)(?<!indeed)|since)\b", re.IGNORECASE)

# Verbs that report speech: what follows has a tense of its own ("said the shops may ...").
REPORTING_VERBS = re.compile(
    r"\b(?:said|says|told|announced|stated|reported|declared|added|noted|explained|warned|"
    r"wrote)\b", re.IGNORECASE)

# Named days, each with how to find it in a given year (see dates.holiday).
HOLIDAYS = {
    "new year's day": "01-01", "new year's eve": "12-31", "christmas": "12-25",
    "christmas day": "12-25", "christmas eve": "12-24", "boxing day": "12-26",
    "halloween": "10-31", "valentine's day": "02-14", "independence day": "07-04",
    "thanksgiving": "nov-thu-4", "thanksgiving day": "nov-thu-4",
    "election day": "nov-tue-after-mon-1", "labor day": "sep-mon-1",
    "memorial day": "may-mon-last", "easter": "easter+0", "easter sunday": "easter+0",
    "easter monday": "easter+1", "good friday": "easter-2",
}
SPELLED_UNIT_VALUES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                       "seven": 7, "eight": 8, "nine": 9}
SPELLED_TEEN_VALUES = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                       "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                       "nineteen": 19}
SPELLED_TEN_VALUES = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                      "seventy": 70, "eighty": 80, "ninety": 90}

_alt = "|".join


def _month_names() -> str:
    full = list(dict.fromkeys(FULL_MONTHS))
    abbr = [m for m in MONTHS if m not in FULL_MONTHS]
    names = [m.capitalize() for m in full] + [m.upper() for m in full]
    names += [a.capitalize() + r"\." for a in abbr] + [a.upper() + r"\.?" for a in abbr]
    names += [a.capitalize() for a in abbr]
    names.sort(key=len, reverse=True)
    return "(?:" + _alt(names) + ")"


def _weekday_names() -> str:
    full = [w for w in WEEKDAYS if w.endswith("day")]
    abbr = [w for w in WEEKDAYS if not w.endswith("day")]
    names = [w.capitalize() for w in full] + [w.upper() for w in full]
    names += [a.capitalize() + r"\.?" for a in abbr]
    names.sort(key=len, reverse=True)
    return "(?:" + _alt(names) + ")"


MONTH = _month_names()
WEEKDAY = _weekday_names()
WEEKDAY_FULL = "(?:" + _alt(sorted({w.capitalize() for w in WEEKDAYS if w.endswith("day")})) + ")"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"

# Month names of other languages, as a full date writes them ("1er février 2026", "1. Februar
# 2026", "1 de febrero de 2026", "1. února 2026", "1 lutego 2026", "1 февраля 2026"): only
# these full dates are read in articles that are not in English (see timeline.build).
FOREIGN_MONTHS = {
    **dict.fromkeys(("janvier", "enero", "gennaio", "janeiro", "januar", "januari", "ledna",
                     "stycznia", "января"), 1),
    **dict.fromkeys(("février", "fevrier", "febrero", "febbraio", "fevereiro", "februar",
                     "februari", "února", "unora", "lutego", "февраля"), 2),
    **dict.fromkeys(("mars", "marzo", "março", "marco", "märz", "maerz", "maart", "března",
                     "brezna", "marca", "марта"), 3),
    **dict.fromkeys(("avril", "abril", "aprile", "april", "dubna", "kwietnia", "апреля"), 4),
    **dict.fromkeys(("mai", "mayo", "maggio", "maio", "mei", "května", "kvetna", "maja",
                     "мая"), 5),
    **dict.fromkeys(("juin", "junio", "giugno", "junho", "juni", "června", "cervna", "czerwca",
                     "июня"), 6),
    **dict.fromkeys(("juillet", "julio", "luglio", "julho", "juli", "července", "cervence",
                     "lipca", "июля"), 7),
    **dict.fromkeys(("août", "aout", "agosto", "august", "augustus", "srpna", "sierpnia",
                     "августа"), 8),
    **dict.fromkeys(("septembre", "septiembre", "settembre", "setembro", "september", "září",
                     "zari", "września", "wrzesnia", "сентября"), 9),
    **dict.fromkeys(("octobre", "octubre", "ottobre", "outubro", "oktober", "října", "rijna",
                     "października", "pazdziernika", "октября"), 10),
    **dict.fromkeys(("novembre", "noviembre", "novembro", "november", "listopadu", "listopada",
                     "ноября"), 11),
    **dict.fromkeys(("décembre", "decembre", "diciembre", "dicembre", "dezembro", "dezember",
                     "prosince", "grudnia", "декабря"), 12),
}
GERMAN_MONTHS = ("Januar", "Februar", "März", "Maerz", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember")
"""As German writes them, capitalised."""
FOREIGN_MONTH = "(?:" + "|".join(sorted(map(re.escape, {*FOREIGN_MONTHS, *GERMAN_MONTHS}),
                                        key=len, reverse=True)) + ")"
"""Lower case, as these languages write them, but for German's capitals: "3 Mars 2026"
(the planet) is no date."""
YEAR = r"(?:1[0-9]\d\d|20\d\d)"
NUMBER_WORD = "(?:" + _alt(sorted((re.escape(k) for k in NUMBERS if k not in ("a", "an",
                                                                             "single")),
                                  key=len, reverse=True)) + ")"
# "twenty-four", "twenty four": compound numbers.
NUMBER = (rf"(?:\d+(?:[.,]\d+|\s+[1-9]/[1-9])?|(?i:{NUMBER_WORD}(?:[- ](?:one|two|three|four|"
          r"five|six|seven|eight|nine))?|a|an))")
UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?|"\
       r"quarters?|years?|decades?|century|centuries|millenni(?:um|a))"
HOLIDAY = "(?:" + _alt(sorted((r"\s+".join(w[0].upper() + w[1:] for w in k.split()).replace(
    "'", "['’]") for k in HOLIDAYS), key=len, reverse=True)) + ")"
SPELLED_UNITS = "(?i:" + _alt(SPELLED_UNIT_VALUES) + ")"
SPELLED_TEENS = "(?i:" + _alt(SPELLED_TEEN_VALUES) + ")"
SPELLED_TENS = "(?i:" + _alt(SPELLED_TEN_VALUES) + ")"
SPELLED_YEAR = (rf"(?i:(?:nineteen|eighteen)[-\s]+(?:{SPELLED_TENS}(?:[-\s]{SPELLED_UNITS})?|"
                rf"{SPELLED_TEENS}|hundred))")
SEASON = r"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)"


def number_value(text: str) -> float | None:
    """'three' -> 3, 'twenty-four' -> 24, '1.5' -> 1.5; None when not a number."""
    words = text.lower().replace("-", " ").split()
    if not words:
        return None
    joined = " ".join(words)
    if joined in NUMBERS:
        return float(NUMBERS[joined])
    fraction = re.fullmatch(r"(\d+) ([1-9])/([1-9])", joined)  # "2 1/2"
    if fraction:
        return int(fraction[1]) + int(fraction[2]) / int(fraction[3])
    try:
        return float(joined.replace(",", ""))
    except ValueError:
        pass
    total = 0.0
    for word in words:
        if word not in NUMBERS:
            return None
        total += NUMBERS[word]
    return total


def unit_code(word: str) -> str:
    """'weeks' -> 'W', 'centuries' -> 'CE'."""
    w = word.lower()
    if w.startswith("centur"):
        return "CE"
    if w.startswith("millenni"):
        return "ML"
    return UNITS[w[:-1] if w.endswith("s") and w[:-1] in UNITS else w]


def spelled_number(text: str) -> int | None:
    """'ninety-six' -> 96, 'twelve' -> 12, 'two thousand and one' -> 2001; else None."""
    words = text.lower().replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + (spelled_number(" ".join(rest)) or 0 if rest else 0)
    total = 0
    for word in words:
        value = SPELLED_UNIT_VALUES.get(word) or SPELLED_TEEN_VALUES.get(word) or \
            SPELLED_TEN_VALUES.get(word)
        if value is None:
            return None
        total += value
    return total


def spelled_year(text: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand' -> 2000; else None."""
    words = text.lower().replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        return spelled_number(text)
    if not words or words[0] not in ("nineteen", "eighteen"):
        return None
    rest = " ".join(words[1:])
    tail = 0 if rest == "hundred" else spelled_number(rest)
    return None if tail is None else (1900 if words[0] == "nineteen" else 1800) + tail
