"""Stage 3: find time expressions in sentences and resolve them against the anchor date.

Patterns (patterns.py) find candidate spans; one resolver per rule (resolve_calendar.py,
resolve_relative.py, resolve_lengths.py) turns each into a TimeML type and value; this
module adds modifiers ("early", "the end of"), links "days before <a date>" and threads
the previous date through a document.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from timeline import dates, resolve_calendar, resolve_lengths, resolve_relative
from timeline.anchors import Context, Result, Settings, valid_date
from timeline.config import DateConfig
from timeline.lexicon import MONTH, MONTHS, WEEKDAYS, number_value
from timeline.model import DateSpan, Mention, Precision, PublishedFrom, Sentence
from timeline.patterns import Candidate, find_candidates

__all__ = ["EXTRACTOR_VERSION", "Settings", "find_document_mentions", "find_mentions",
           "infer_published"]

EXTRACTOR_VERSION = "2"
"""Bump when extraction output changes, so that cached results are recomputed."""

RESOLVERS = {**resolve_calendar.RESOLVERS, **resolve_relative.RESOLVERS,
             **resolve_lengths.RESOLVERS}

# --- modifiers, links and the public entry points --------------------------------------------

_MODIFIER_BEFORE = re.compile(
    r"(?i:\b(?P<mod>early|mid|late|the\s+(?:beginning|start|end|middle)\s+of|the\s+turn\s+of)"
    r"(?:-|\s+))$")
_APPROX_BEFORE = re.compile(r"(?i:\b(?:about|around|approximately|circa|roughly|some\s+time\s+in"
                            r"|sometime\s+in|c\.)\s+)$")
_SINCE_BEFORE = re.compile(r"(?i:\bsince\s+)$")
_SINCE_PHRASE = re.compile(r"(?i:\bsince\s+(?:[^\s\d,;:.()]+\s+){0,6})$")
""""since" governing the date at the end ("since 2011", "since the war began in ...")."""
_COMPARED = re.compile(
    r"(?i:\b(?:first|second|third|fourth|fifth|only|most|least|fewest|best|worst|record|"
    r"biggest|largest|highest|lowest|longest|shortest|strongest|weakest|fastest|slowest|"
    r"greatest|smallest|deepest|sharpest|steepest|oldest|youngest|coldest|hottest|warmest|"
    r"widest|closest|richest|poorest|toughest|harshest|cheapest|hardest|tallest|"
    r"[a-z]{3,}iest|not|never|no|n't|any\s+time|anytime|unseen|unprecedented)\b)")
"""What makes a "since" clause a comparison with an earlier time, whose date is not the
happening's: "the largest rally since 2011", "his first trip since the war began in
February 2022", "have not met since 2019", "a level not seen since the 1950s"."""
_CLAUSE_START = re.compile(r"[;:]|\b(?:and|but|while|whereas)\b", re.IGNORECASE)


def compared_since(text: str, start: int) -> bool:
    """Whether the date at ``start`` is that of "since" after a comparison in its clause:
    the time of an earlier happening like the one reported, not the reported one's."""
    if "ince " not in text[max(0, start - 80):start]:
        return False
    since = _SINCE_PHRASE.search(text, max(0, start - 80), start)
    if since is None:
        return False
    opening = max((m.end() for m in _CLAUSE_START.finditer(text, 0, since.start())), default=0)
    return _COMPARED.search(text, opening, since.start()) is not None
_ANNIVERSARY = re.compile(r"(?i)\b(?:anniversary|jubilee|centenary|centennial)\b")
_DATELINE = re.compile(r"^[ \t]*(?:[A-Z][A-Za-z.'\- ]{1,40}?,[ \t]+)?$")
_DATELINE_AFTER = re.compile(r"^\s*(?:\([A-Za-z. ]{1,30}\)\s*)?[-–—]")
_MODIFIABLE = {"month_year", "month", "year", "season", "quarter", "half"}
_MOD_WORDS = {"early": "early", "mid": "mid", "late": "late", "the beginning of": "early",
              "the start of": "early", "the end of": "late", "the middle of": "mid",
              "the turn of": "early"}
_BEFORE_REACH = {"days": 10, "weeks": 28, "months": 183, "hours": 1}


def _with_modifiers(c: Candidate, result: Result, text: str) -> tuple[int, Result]:
    """Widen the extent over "early", "mid-" or "the end of" and mark the span approximate."""
    start = c.start
    if result.span is None or c.rule not in _MODIFIABLE:
        return start, result
    found = _MODIFIER_BEFORE.search(text, 0, c.start)
    if found:
        words = " ".join(found.group("mod").lower().split())
        span = dates.with_modifier(result.span, _MOD_WORDS[words])
        return found.start(), replace(result, span=span)
    if _APPROX_BEFORE.search(text, 0, c.start):
        return start, replace(result, span=replace(result.span, approximate=True))
    return start, result


_CALENDAR = (date(1, 2, 1), date(9998, 12, 31))
"""The dates an expression may have: what comes later (a day or weeks before or after it,
a calendar event's end) must stay inside Python's calendar (years 1 to 9999)."""

_COUNT = (r"(?P<n>the|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
          r"fifteen|twenty|thirty|forty|fifty|a\s+few|several|some|\d{1,3})")
_OFFSET = (rf"(?:(?<!to\s){_COUNT}\s+(?P<u>days?|weeks?|months?|years?|decades?)\s+"
           r"(?:to\s+the\s+day\s+)?(?P<dir>before|after|of)|(?P<eve>the\s+eve)\s+of|"
           r"(?P<soon>shortly|soon|just|moments|minutes|hours)\s+(?P<dir2>before|after))")
_OFFSET_BEFORE = re.compile(rf"(?i:\b(?P<within>within\s+)?{_OFFSET}\s+)$")
_OFFSET_GAP = re.compile(
    rf"(?i:\b(?P<within>within\s+)?{_OFFSET}\s+"
    r"(?:[\w'’-]+\s+){0,4}?[\w'’-]+,?\s+(?:on|for|in),?\s+)$")
"""The same with a happening between the offset and the date: "on the eve of the summit on
3 March", "a year after the crash in May 2019". Whose date is it, the summit's or the
sentence's? English allows both."""
_COUNTS = {"the": (1, 1), "a": (1, 1), "an": (1, 1), "one": (1, 1), "two": (2, 2),
           "three": (3, 3), "four": (4, 4), "five": (5, 5), "six": (6, 6), "seven": (7, 7),
           "eight": (8, 8), "nine": (9, 9), "ten": (10, 10), "eleven": (11, 11),
           "twelve": (12, 12), "fifteen": (15, 15), "twenty": (20, 20), "thirty": (30, 30),
           "forty": (40, 40), "fifty": (50, 50), "a few": (2, 5), "several": (2, 7),
           "some": (2, 7)}
_UNITS = {"day": (1, 0, Precision.DAY), "week": (7, 0, Precision.DAY),
          "month": (0, 1, Precision.MONTH), "year": (0, 12, Precision.MONTH),
          "decade": (0, 120, Precision.YEAR)}
"""Unit -> (days, months, the finest precision a date that far from another keeps)."""


def _moved(day: date, days: int, months: int, count: int) -> date:
    return day + timedelta(days=days * count) if days else dates.add_months(day, months * count)


def _with_offset(start: int, result: Result, text: str) -> tuple[int, Result]:
    """"the day before last Tuesday", "two weeks after 3 May", "the eve of Christmas": the
    day that far from the day the expression gives, the phrase taken into the expression.
    Months and years away ("a year after 3 May 2019"), a count that is not a number
    ("a few weeks after"), a date that is not a day, "within a week of": the stretch the
    words allow, approximate. With a happening between the words and the date ("the eve of
    the summit on 3 March") the date may be either happening's: the stretch holds both.
    "The week before Easter" is a week, not a day, and stays Easter."""
    span = result.span
    if span is None or result.timex_type != "DATE":
        return start, result
    found = _OFFSET_BEFORE.search(text, max(0, start - 40), start)
    either = found is None
    if either:
        found = _OFFSET_GAP.search(text, max(0, start - 90), start)
    if found is None or (found["n"] and found["n"].lower() == "the"
                         and found["u"].lower() != "day"):
        return start, result
    within = bool(found["within"])
    if within != (found["dir"] is not None and found["dir"].lower() == "of"):
        return start, result  # "within a week of", never "a week of"
    if found["eve"]:  # "on the eve of Sunday's vote": the day before
        low = high = 1
        days, months, finest = 1, 0, Precision.DAY
        after = False
    elif found["soon"]:  # "shortly before 3 March": that day or the one next to it
        if span.precision != Precision.DAY:  # "just after the takeover in 1948": 1948
            return start, result
        low, high = 0, 1
        days, months, finest = 1, 0, Precision.DAY
        after = found["dir2"].lower() == "after"
    else:
        low, high = _COUNTS.get(" ".join(found["n"].lower().split())) or (
            (int(found["n"]),) * 2)
        days, months, finest = _UNITS[found["u"].lower().rstrip("s")]
        after = found["dir"].lower() == "after"
    phrase = " ".join(found.group().split())
    if months >= 12 and result.resolved_by == "published-date":
        # "twenty years after the 11 September attacks": the year of the date is a guess
        # (the nearest to publication), and years away from a guess is no date at all
        return found.start(), replace(result, span=None, resolved_by="unresolved",
                                      value="XXXX", note=f"'{phrase}': years away from a "
                                      "date whose year the text does not give")
    exact = low == high and not months and not either and not within
    try:
        if exact and span.precision == Precision.DAY and span.start == span.end:
            moved = dates.day_span(_moved(span.start, days, 0, high if after else -high))
            return found.start(), replace(result, span=moved, value=dates.span_value(moved),
                                          note=f"{result.note}; {phrase}")
        if within:
            first = _moved(span.start, days, months, -high)
            last = _moved(span.end, days, months, high)
        elif after:
            first = _moved(span.start, days, months, low)
            last = _moved(span.end, days, months, high)
        else:
            first = _moved(span.start, days, months, -high)
            last = _moved(span.end, days, months, -low)
        if either:  # the date is the happening's or the sentence's: both
            first, last = min(first, span.start), max(last, span.end)
        precision = min(span.precision, finest)
        if precision < Precision.DAY:  # whole units of the precision the text keeps
            first = dates.span_like(precision, first).start
            last = dates.span_like(precision, last).end
    except (OverflowError, ValueError):  # beyond the calendar
        return start, result
    moved = DateSpan(first, last, precision, approximate=True)
    why = "the date may be either happening's, so both" if either else "about"
    return found.start(), replace(result, span=moved, value=dates.span_value(moved),
                                  note=f"{result.note}; '{phrase}': {why}")


DATELINE_LINES = 3
"""A dateline without a place ("10 March —") opens an article: it is looked for in its
first lines only, and never in a list item ("- 10 March 2024 – Ceasefire agreed", a key
date). One with a place ("MOSCOW, Feb 2 —") may open any of the articles a page gathers."""
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•·]|\d{1,3}[.)])[ \t]+")


def _is_dateline(sentence: Sentence, c: Candidate, opening: bool) -> bool:
    """Whether ``c`` is a dateline (``opening``: ``sentence`` is the article's first, after
    any headings)."""
    text = sentence.text
    return bool(c.rule in ("dmy", "mdy", "iso", "numeric") and _DATELINE.match(text[:c.start])
                and (opening or text[:c.start].strip()) and _DATELINE_AFTER.match(text[c.end:]))


def _link_before(mentions: list[Mention]) -> list[Mention]:
    """Give "days before <a dated happening>" the span just before that happening's date."""
    out = list(mentions)
    for i, m in enumerate(out):
        if not m.value.startswith("PX") or m.note.split()[-1:] not in (["before"], ["after"]):
            continue
        target = next((t for t in out[i + 1:] if t.span is not None and t.dates_event
                       and t.start - m.end < 160), None)
        if target is None or target.span is None:
            continue
        unit, direction = m.note.split()
        reach = timedelta(days=_BEFORE_REACH.get(unit, 28))
        t = target.span
        start, end = (t.start, t.end + reach) if direction == "after" else (t.start - reach,
                                                                             t.end)
        precision = Precision.DAY if unit == "hours" else min(Precision.MONTH, t.precision)
        if precision <= Precision.MONTH:
            start = start.replace(day=1)
            end = date(end.year, end.month, dates.last_day(end.year, end.month))
        span = DateSpan(start, end, precision, True)
        note = f"{unit} {direction} '{target.text}' ({dates.span_label(t)})"
        out[i] = replace(m, span=span, dates_event=True, resolved_by="previous-date",
                         anchor=t.start, note=note, planned=target.planned)
    return out


@dataclass(frozen=True, slots=True)
class Thread:
    """Dates carried from sentence to sentence, for expressions relative to earlier ones."""

    previous: DateSpan | None = None
    """The last day-precise date ("two days later")."""
    recent: tuple[DateSpan, ...] = ()
    """Dates of any precision from the previous sentence ("a year earlier")."""
    quarter: DateSpan | None = None
    """The last quarter named ("the quarter", "the year-ago period")."""
    last: DateSpan | None = None
    """The last date of any precision ("later that year")."""


def _carries(m: Mention) -> bool:
    return (m.span is not None and not m.dateline and m.timex_type in ("DATE", "TIME")
            and not m.value.startswith("P"))


def find_mentions(sentence: Sentence, anchor: date | None, settings: Settings,
                  previous: DateSpan | None = None, exact: bool = True) -> tuple[Mention, ...]:
    """Every time expression in one sentence, resolved against ``anchor`` (or unresolved)."""
    return _sentence_mentions(sentence, anchor, settings, exact, Thread(previous))[0]


def _sentence_mentions(sentence: Sentence, anchor: date | None, settings: Settings,
                       exact: bool, thread: Thread, opening: bool = True
                       ) -> tuple[tuple[Mention, ...], Thread]:
    """The mentions of one sentence, and the thread to hand to the next one (``opening``:
    whether it opens the article, where a dateline can be)."""
    text = sentence.text
    candidates = _split_day_lists(find_candidates(text), text)
    if not candidates:  # most sentences: nothing to resolve, and only "recent" changes
        if thread.recent:
            thread = Thread(thread.previous, (), thread.quarter, thread.last)
        return (), thread
    out: list[Mention] = []
    previous, quarter, last = thread.previous, thread.quarter, thread.last
    recent = list(thread.recent)
    mine: list[DateSpan] = []
    ctx: Context | None = None  # built again only when the dates it carries change
    # the page's own "Published ..." line: it dates the document (infer_published), no event
    stamped = _STAMP.match(text) is not None and _stamp(text) is not None
    for c in candidates:
        if ctx is None:
            ctx = Context(text, anchor, exact, previous, settings, tuple(recent), quarter, last)
        try:
            result = RESOLVERS[c.rule](c, ctx)
        except (OverflowError, ValueError):  # beyond the calendar: "5000 years ago", or
            continue  # a published date of 0001-01-01 and "on Friday"
        if result is None:
            continue
        start, result = _with_modifiers(c, result, text)
        widened = start
        start, result = _with_offset(start, result, text)
        if result.span is not None and not (_CALENDAR[0] <= result.span.start
                                            and result.span.end <= _CALENDAR[1]):
            continue
        if start < widened:  # "two days" of "two days after 3 May" was read on its own
            out = [m for m in out if m.start < sentence.start + start]
        dateline = stamped or _is_dateline(sentence, c, opening)
        dates_event = result.dates_event and not dateline
        if (result.resolved_by != "absolute" and _SINCE_BEFORE.search(text, 0, start)) or \
                compared_since(text, start):
            dates_event = False
        if (result.resolved_by == "published-date" and result.span is not None
                and result.span.precision <= Precision.YEAR and _ANNIVERSARY.search(text)):
            dates_event = False  # "this year marks the 25th anniversary": a date, no happening
        uses_anchor = result.resolved_by == "published-date"
        mention = Mention(
            sentence=sentence.index, text=text[start:c.end], start=sentence.start + start,
            end=sentence.start + c.end, timex_type=result.timex_type, value=result.value,
            span=result.span, resolved_by=result.resolved_by,
            anchor=anchor if uses_anchor else result.base or (
                previous.start if previous and result.resolved_by == "previous-date" else None),
            note=result.note, planned=result.planned, dateline=dateline, dates_event=dates_event,
        )
        out.append(mention)
        if result.span is None or not _carries(mention):
            continue
        ctx = None
        if result.span.precision >= Precision.DAY:
            previous = result.span
        last = result.span
        if c.rule in ("year_ago", "ago") or c.get("yago"):
            continue  # a comparison period is not what the next comparison compares
        recent.append(result.span)
        mine.append(result.span)
        if result.span.precision == Precision.QUARTER and c.rule == "quarter":
            quarter = result.span
    return tuple(_link_before(_anniversaries(out, text, sentence.start, anchor))), \
        Thread(previous, tuple(mine), quarter, last)


_YEARS_AGO = re.compile(r"(?P<about>(?i:nearly|almost|about|some|roughly|around|more\s+than|"
                        r"less\s+than|at\s+least|over)\s+)?(?:(?i:just|only|exactly)\s+)?"
                        r"(?P<n>.+?)[-\s]+(?P<u>(?i:years?|decades?|weeks?))\s+(?i:ago)")
_TO_THE_DAY = re.compile(r"\s+(?i:to\s+the\s+day)\b")
_ANNIVERSARY_GAP = re.compile(r"\s+(?:(?i:on|in)\s+)?")


def _years_ago(m: Mention) -> tuple[int, int, bool] | None:
    """(months, days, approximate) back of "40 years ago", "nearly a decade ago" or "a week
    ago"; None otherwise."""
    if m.resolved_by != "published-date" or m.span is None:
        return None
    ago = _YEARS_AGO.fullmatch(m.text)
    count = number_value(ago["n"]) if ago is not None else None
    if ago is None or count is None or count < 1 or count != int(count):
        return None
    unit = ago["u"].lower()
    if unit.startswith("week"):
        return 0, 7 * int(count), bool(ago["about"])
    return 12 * int(count) * (10 if unit.startswith("decade") else 1), 0, bool(ago["about"])


def _anniversaries(out: list[Mention], text: str, offset: int, anchor: date | None
                   ) -> list[Mention]:
    """"40 years ago this week", "a decade ago today", "35 years ago on Sunday", "40 years
    ago to the day", "a week ago Sunday": the paper's date moved back by the years (or
    weeks). Read apart, the happening took the finer of the two, the paper's own week."""
    if anchor is None or (len(out) < 2 and not (out and "day" in text)) or \
            not any(m.text.endswith(("ago", "Ago", "AGO")) for m in out):
        return out
    merged: list[Mention] = []
    for m in out:
        prev = merged[-1] if merged else None
        ago = _years_ago(prev) if prev is not None else None
        if prev is None or ago is None or m.resolved_by != "published-date" or \
                m.span is None or m.span.precision < (Precision.DAY if ago[1] else
                                                      Precision.YEAR) or \
                m.value.startswith("P") or \
                not _ANNIVERSARY_GAP.fullmatch(text, prev.end - offset, m.start - offset):
            merged.append(_to_the_day(m, text, offset, anchor))
            continue
        months, days, about = ago
        try:
            start = dates.add_months(m.span.start, -months) - timedelta(days=days)
            end = dates.add_months(m.span.end, -months) - timedelta(days=days)
        except (OverflowError, ValueError):
            merged.append(m)
            continue
        precision = m.span.precision
        if precision == Precision.WEEK:  # not a week from Monday that year: seven days
            precision = Precision.DAY
        span = DateSpan(start, end, precision, m.span.approximate or about)
        merged[-1] = replace(prev, text=text[prev.start - offset:m.end - offset], end=m.end,
                             span=span, value=dates.span_value(span),
                             dates_event=prev.dates_event and m.dates_event,
                             note=f"'{m.text}' ({m.note}), {prev.text}")
    return merged


def _to_the_day(m: Mention, text: str, offset: int, anchor: date) -> Mention:
    """"40 years ago to the day": that day, not the year."""
    ago = _years_ago(m)
    day = _TO_THE_DAY.match(text, m.end - offset) if ago is not None else None
    if ago is None or day is None:
        return m
    try:
        span = dates.day_span(dates.add_months(anchor, -ago[0]) - timedelta(days=ago[1]))
    except (OverflowError, ValueError):
        return m
    return replace(m, text=text[m.start - offset:day.end()], end=day.end() + offset, span=span,
                   value=dates.span_value(span),
                   note=f"{m.text} to the day, counted from {anchor.isoformat()}")


def _split_day_lists(candidates: list[Candidate], text: str) -> list[Candidate]:
    """"met on 3 and 17 May" (or "on May 3 and 17") names two days, "on 3, 10 and 17 June"
    three, each a happening of its own: every day becomes an expression of its own (with
    the month, year and weekday of the whole), so that each day dates an event. Days
    running ("3 and 4 May", "1, 2 and 3 June") and "between 3 and 17 May" stay one
    expression, a stretch. A day right after another month's name is that month's ("May 3
    and 17 July")."""
    out: list[Candidate] = []
    todo = list(reversed(candidates))
    while todo:
        c = todo.pop()
        month = _MONTH_BEFORE.search(text, max(0, c.start - 16), c.start) if (
            c.rule == "dmy" and c.get("d2") and not c.get("wd")) else None
        split = _after_month(c, month, text) if month is not None else None
        if split is not None:  # "May 3 and 17 July": May 3, then "17 July"
            out = [o for o in out if o.end <= split[0].start]  # (the month read alone)
            todo += reversed(split)
            continue
        days = _listed_days(c, text)
        if not days:
            out.append(c)
            continue
        plain = dict(c.groups, d2="", dsep="", dl="", d3="", ml="")
        numbers = [_day(day) for _, day in days]
        if all(b == a + 1 for a, b in itertools.pairwise(numbers)) or (
                len(days) == 2 and _BETWEEN_BEFORE.search(text, max(0, c.start - 10),
                                                          c.start)):
            # one stretch of days, as "3 to 5 May"
            out.append(Candidate(c.rule, c.start, c.end,
                                 dict(plain, d=days[0][1], d2=days[-1][1], dsep=" to ")))
            continue
        out.append(Candidate(c.rule, c.start, days[0][0] + len(days[0][1]),
                             dict(plain, d=days[0][1])))
        for i, (offset, day) in enumerate(days[1:], 1):
            end = c.end if i == len(days) - 1 else offset + len(day)
            out.append(Candidate(c.rule, offset, end, dict(plain, d=day, wd="")))
    return out


def _listed_days(c: Candidate, text: str) -> list[tuple[int, str]] | None:
    """(offset, day) of each day of a list joined by "and" ("3, 10 and 17 June", "June 3,
    10 and 17"); None for any other expression."""
    if c.rule == "dmy" and c.get("d2") and c.get("dsep").strip().lower() == "and":
        start, listed = c.start, c.get("dl")
    elif c.rule == "mdy" and c.get("d3"):
        start = text.index(c.get("m"), c.start + len(c.get("wd"))) + len(c.get("m"))
        listed = c.get("ml")
    else:
        return None
    count = 2 + len(_DAY_IN_LIST.findall(listed))
    return [(m.start(), m.group()) for m in itertools.islice(
        _DAY_IN_LIST.finditer(text, start, c.end), count)]


_BETWEEN_BEFORE = re.compile(r"(?i:\bbetween\s+)$")
_DAY_IN_LIST = re.compile(r"\d+(?:st|nd|rd|th)?")
_MONTH_BEFORE = re.compile(rf"(?<![\w.])(?P<m>{MONTH})(?![a-z])\s+$")
"""A month name just before a day: the day is that month's ("May 3"), not the next one's."""


def _after_month(c: Candidate, month: re.Match[str], text: str) -> list[Candidate] | None:
    """A dmy list or stretch whose first day follows another month ("on May 3 and 17 July",
    "from May the 3rd to 17 June"): that day is an mdy date of its own, and the days after
    it keep the later month (and the year, when given, is every day's)."""
    first = _DAY_IN_LIST.search(text, c.start, c.end)
    rest = _DAY_IN_LIST.search(text, first.end(), c.end) if first is not None else None
    if first is None or rest is None:  # (cannot happen: the pattern has two days)
        return None
    alone = Candidate("mdy", month.start(), first.end(), {
        "m": month.group("m"), "d": first.group(), "y": c.get("y"), "wd": "", "d2": "",
        "d3": "", "ml": ""})
    listed = c.get("dl")
    if listed:  # "May 3, 10 and 17 July": "10 and 17 July" is still a list
        tail = listed[listed.index(",") + 1:].lstrip()
        groups = dict(c.groups, dl=tail, wd="")
    else:
        groups = dict(c.groups, d=c.get("d2"), d2="", dsep="", dl="", wd="")
    return [alone, Candidate("dmy", rest.start(), c.end, groups)]


def _day(text: str) -> int:
    """The number of a day as the pattern found it ("17", "3rd")."""
    return int(re.sub(r"\D", "", text))


def find_document_mentions(sentences: Sequence[Sentence], anchor: date | None,
                           settings: Settings, exact: bool = True) -> tuple[Mention, ...]:
    """Mentions of a whole document, threading earlier dates for "two days later"."""
    out: list[Mention] = []
    thread = Thread()
    settings = _document_order(sentences, settings)
    first = next((s.index for s in sentences if not s.heading), None)
    for sentence in sentences:
        found, thread = _sentence_mentions(sentence, anchor, settings, exact, thread,
                                           sentence.index == first and not sentence.item)
        out.extend(found)
    return tuple(out)


_NUMERIC_DATE = re.compile(r"(?<![\d/.])(\d{1,2})([/.])(\d{1,2})\2(?:\d{4}|\d{2})(?![\d/.]\d)")
_NUMERIC_HINT = re.compile(r"\d[/.]\d")


def _document_order(sentences: Sequence[Sentence], settings: Settings) -> Settings:
    """The settings with the order of all-numeric dates this document shows: a writer who
    puts "04/25/2025" (no month 25) puts the month first in "03/04/2025" too. Unchanged
    when the document shows neither order, or both."""
    if settings.date_order not in ("DMY", "MDY"):
        return settings
    seen = set()
    for s in sentences:
        # (every match holds a digit, a separator and a digit: a plain search for those
        # skips the sentence far sooner than the full pattern, which opens with a
        # lookbehind and so is tried at every position of every sentence with a full stop)
        if _NUMERIC_HINT.search(s.text) is None:
            continue
        for m in _NUMERIC_DATE.finditer(s.text):
            first, second = int(m[1]), int(m[3])
            if first > 12 >= second:
                seen.add(("DMY", m.group()))
            elif second > 12 >= first:
                seen.add(("MDY", m.group()))
    orders = {order for order, _ in seen}
    if len(orders) != 1 or settings.date_order in orders:
        return settings
    order, shown = min(seen)
    which = "month" if order == "MDY" else "day"
    return replace(settings, date_order=order,
                   order_from=f"read {which} first, as '{shown}' in the same text is")


def _year_bearing(candidates: Iterable[Candidate]) -> list[int]:
    years = []
    for c in candidates:
        if c.get("y") and c.rule in ("iso", "dmy", "mdy", "month_year", "year"):
            years.append(int(c.get("y")))
    return years


_STAMP = re.compile(r"^[ \t]*(?P<kind>(?i:(?:first\s+|originally\s+)?published|posted|"
                    r"(?:last\s+)?updated))(?:\s+on)?\s*:?\s+(?=\S)")
"""A page's own date line, as copied from the web: "Published: 3 March 2025 10:31 GMT",
"Updated 4 March 2025"."""


def _stamp(line: str) -> tuple[date, bool, str] | None:
    """The date of a "Published ..." or "Updated ..." line (a full date, year and all, right
    after the word), whether it says when the page was first published, and the line."""
    found = _STAMP.match(line)
    if found is None or len(line) > 80:
        return None
    for c in find_candidates(line):
        if c.start < found.end() or c.rule not in ("dmy", "mdy", "iso"):
            continue
        gap = line[found.end():c.start].strip(" ,").lower().rstrip(".")
        if (gap and gap not in WEEKDAYS) or not c.get("y"):
            return None  # (a weekday may come first: "Published Tuesday, 4 March 2025")
        if c.rule == "iso":
            year, month, day = (int(x) for x in re.findall(r"\d+", line[c.start:c.end])[:3])
        else:
            year, month, day = int(c.get("y")), MONTHS.get(
                c.get("m").lower().rstrip("."), 0), _day(c.get("d"))
        if not valid_date(year, month, day):
            return None
        return (date(year, month, day), not found["kind"].lower().endswith("updated"),
                line.strip())
    return None


def infer_published(body: str, config: DateConfig) -> tuple[date | None, PublishedFrom, str]:
    """Guess a document's date from a "Published ..." line, a dateline and weekday-dated
    days; never from today. An "Updated ..." line alone gives the date only as inferred
    (the text may be older): enough for "last month", not for "on Sunday"."""
    years: list[int] = []
    combos: list[tuple[int, int, int, str]] = []  # weekday, month, day, text
    dateline: tuple[int, int, int | None, str] | None = None
    updated: tuple[date, bool, str] | None = None
    seen = 0
    for line in body.split("\n"):
        if not line.strip():
            continue
        seen += 1
        stamp = _stamp(line)
        if stamp is not None:
            if stamp[1]:
                return stamp[0], "dateline", f"from the line '{stamp[2]}'"
            updated = updated or stamp
            continue
        candidates = find_candidates(line)
        years.extend(_year_bearing(candidates))
        for c in candidates:
            if c.rule not in ("dmy", "mdy"):
                continue
            month = MONTHS.get(c.get("m").lower().rstrip("."))
            day = _day(c.get("d"))
            if month is None:
                continue
            if dateline is None and _DATELINE.match(line[:c.start]) and (
                    line[:c.start].strip() or (seen <= DATELINE_LINES
                                               and not _LIST_ITEM.match(line))) \
                    and _DATELINE_AFTER.match(line[c.end:]):
                dateline = (month, day, int(c.get("y")) if c.get("y") else None,
                            line[:c.end].strip())
            if c.get("wd") and not c.get("y"):
                combos.append((WEEKDAYS[c.get("wd").lower().rstrip(".")], month, day,
                               line[c.start:c.end]))
    if dateline and dateline[2] and valid_date(dateline[2], dateline[0], dateline[1]):
        found = date(dateline[2], dateline[0], dateline[1])
        return found, "dateline", f"from the dateline '{dateline[3]}'"
    if updated is not None:
        return updated[0], "inferred", f"inferred from the line '{updated[2]}' (the text may " \
            "be older)"
    if not combos or not years:
        return None, "none", ""
    latest = max(years)
    fits: set[int] | None = None
    for weekday, month, day, _ in combos:
        ok = {y for y in range(latest, latest + 4)
              if valid_date(y, month, day) and date(y, month, day).weekday() == weekday}
        fits = ok if fits is None else fits & ok
    if not fits or len(fits) != 1:
        return None, "none", ""
    year = fits.pop()
    combo_text = combos[0][3]
    why = (f"'{combo_text}' falls on that weekday only in {year} among the years from "
           f"{latest}, the latest the text mentions")
    if dateline and valid_date(year, dateline[0], dateline[1]):
        found = date(year, dateline[0], dateline[1])
        return found, "dateline", f"from the dateline '{dateline[3]}', the year because {why}"
    latest_day = max(date(year, m, d) for _, m, d, _ in combos)
    return latest_day, "inferred", f"inferred: {why}; the day is the latest such date"
