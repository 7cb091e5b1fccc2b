"""Stage 3: find time expressions in sentences and resolve them against the anchor date.

The only module that imports dateparser. dateparser sees only the spans our patterns
found (never whole sentences), always with a fixed base date and explicit languages, and
its answers are memoised; the calendar reasoning (which year, which Sunday) is ours.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from timeline import dates
from timeline.config import DateConfig
from timeline.lexicon import (
    DECADE_WORDS,
    FUTURE_CUES,
    MONTHS,
    PAST_CUES,
    SEASONS,
    WEEKDAYS,
    number_value,
    unit_code,
)
from timeline.model import (
    DateSpan,
    Mention,
    Precision,
    PublishedFrom,
    ResolvedBy,
    Sentence,
    TimexType,
)
from timeline.patterns import Candidate, find_candidates

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "1"
"""Bump when extraction output changes, so that cached results are recomputed."""

_FIXED_BASE = datetime(2000, 6, 15)  # a leap year, so "29 February" parses without a year


@dataclass(frozen=True, slots=True)
class Settings:
    """What time-expression resolution depends on, besides the text."""

    languages: tuple[str, ...] = ("en",)
    date_order: str = "DMY"

    @classmethod
    def from_config(cls, config: DateConfig) -> Settings:
        """Build from the ``[dates]`` table."""
        return cls(languages=config.languages, date_order=config.date_order)


@dataclass(frozen=True, slots=True)
class _Context:
    text: str
    anchor: date | None
    exact: bool
    previous: DateSpan | None
    settings: Settings


@dataclass(frozen=True, slots=True)
class _Result:
    timex_type: TimexType
    value: str
    span: DateSpan | None = None
    resolved_by: ResolvedBy = "absolute"
    note: str = ""
    planned: bool = False
    dates_event: bool = True


# --- dateparser, wrapped -------------------------------------------------------------------

@functools.cache
def _parser(languages: tuple[str, ...], order: str) -> Any:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": _FIXED_BASE, "PREFER_DATES_FROM": "current_period",
        "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["custom-formats", "absolute-time"], "DATE_ORDER": order,
    }
    return DateDataParser(languages=list(languages), settings=settings)


@functools.lru_cache(maxsize=16384)
def parse_calendar(text: str, settings: Settings) -> tuple[date, str] | None:
    """dateparser's reading of an absolute span: (date, period) or None; memoised."""
    cleaned = re.sub(r"\s+", " ", text.strip())
    try:
        data = _parser(settings.languages, settings.date_order).get_date_data(cleaned)
    except (ValueError, OverflowError, TypeError, KeyError):  # dateparser's own failures
        return None
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period or "day")


# --- small helpers ---------------------------------------------------------------------------

def _tense(text: str, start: int, end: int) -> str | None:
    """'future' or 'past' from the nearest verb cue outside the expression, else None."""
    best: tuple[int, str] | None = None
    for kind, cues in (("future", FUTURE_CUES), ("past", PAST_CUES)):
        for match in cues.finditer(text):
            if match.start() < end and start < match.end():
                continue
            distance = start - match.end() if match.end() <= start else match.start() - end
            distance += 0 if kind == "future" else 1
            if best is None or distance < best[0]:
                best = (distance, kind)
    return best[1] if best else None


def _pick_year(make: Any, anchor: date, tense: str | None) -> DateSpan | None:
    """Choose the year for a date written without one, relative to the anchor."""
    spans: list[DateSpan] = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            spans.append(make(year))
        except ValueError:
            continue
    if not spans:
        return None
    if tense == "past":
        past = [s for s in spans if s.start <= anchor]
        return past[-1] if past else spans[0]
    if tense == "future":
        future = [s for s in spans if s.end >= anchor]
        return future[0] if future else spans[-1]

    def distance(span: DateSpan) -> tuple[int, int]:
        if span.start <= anchor <= span.end:
            return (0, 0)
        gap = (span.start - anchor).days if span.start > anchor else (anchor - span.end).days
        return (gap, 1 if span.start > anchor else 0)

    return min(spans, key=distance)


def _weekday_date(weekday: int, anchor: date, direction: str) -> date:
    """The weekday on or before ('past'), strictly before ('last') or after ('next')."""
    if direction in ("next", "future"):
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    if direction == "last":
        return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _unresolved(timex_type: TimexType, value: str, why: str) -> _Result:
    return _Result(timex_type, value, None, "unresolved", why)


def _relative(ctx: _Context, value_if_unknown: str) -> _Result | None:
    """The result to use when a relative expression has nothing to anchor to."""
    if ctx.anchor is None:
        return _unresolved("DATE", value_if_unknown, "relative, and the document has no date")
    return None


def _planned(span: DateSpan, ctx: _Context) -> bool:
    return ctx.anchor is not None and span.start > ctx.anchor


def _anchored(span: DateSpan, ctx: _Context, note: str, timex: TimexType = "DATE",
              value: str | None = None, **extra: Any) -> _Result:
    assert ctx.anchor is not None
    return _Result(timex, value or dates.span_value(span), span, "published-date",
                   f"{note}, counted from {ctx.anchor.isoformat()}",
                   planned=extra.pop("planned", _planned(span, ctx)), **extra)


# --- resolvers, one per rule -----------------------------------------------------------------

def _calendar_date(c: Candidate, ctx: _Context) -> _Result | None:
    """iso, numeric, dmy and mdy: a day (or a range of days), with or without a year."""
    text = ctx.text[c.start:c.end]
    if c.get("wd"):
        text = text[text.index(c.get("wd")) + len(c.get("wd")):].lstrip(" ,.")
    if c.get("d2"):  # "1-3 February": parse the first day, keep the range
        text = re.sub(r"\s*[-–]\s*" + re.escape(c.get("d2")), "", text, count=1)
    parsed = parse_calendar(text, ctx.settings)
    if parsed is None:
        return _unresolved("DATE", "XXXX-XX-XX", f"'{text}' is not a valid date")
    day, _ = parsed
    has_year = bool(c.get("y") or c.rule in ("iso", "numeric"))
    month_word = c.get("m").lower().rstrip(".")
    if c.rule in ("dmy", "mdy") and MONTHS.get(month_word) != day.month:
        return _unresolved("DATE", "XXXX-XX-XX", "dateparser disagreed with the pattern")
    span = dates.day_span(day)
    if c.get("d2"):
        end_day = int(re.sub(r"\D", "", c.get("d2")))
        if end_day > day.day:
            with contextlib.suppress(ValueError):
                span = DateSpan(day, day.replace(day=end_day), Precision.DAY)
    weekday = WEEKDAYS.get(c.get("wd").lower().rstrip(".")) if c.get("wd") else None
    if has_year:
        note = "the text gives the full date"
        if weekday is not None and day.weekday() != weekday:
            note += f"; but {day:%d %B %Y} is a {day:%A}, not a {c.get('wd')}"
            span = replace(span, approximate=True)
        value = dates.span_value(span)
        if c.get("hh"):
            return _Result("TIME", f"{value}T{c.get('hh')}:{c.get('mm')}", span, "absolute", note)
        return _Result("DATE", value, span, "absolute", note)
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-{day.month:02d}-{day.day:02d}",
                           "no year in the text and the document has no date")
    length = (span.end - span.start).days

    def make(year: int) -> DateSpan:
        first = day.replace(year=year)
        return DateSpan(first, first + timedelta(days=length), Precision.DAY)

    anchor = ctx.anchor
    if weekday is not None:
        fits = [y for y in range(anchor.year - 1, anchor.year + 2)
                if _valid(year=y, month=day.month, day=day.day)
                and date(y, day.month, day.day).weekday() == weekday]
        if fits:
            best = min(fits, key=lambda y: abs((date(y, day.month, day.day) - anchor).days))
            chosen = make(best)
            return _Result("DATE", dates.span_value(chosen), chosen, "published-date",
                           f"no year in the text: {c.get('wd')} {day:%d %B} falls in {best}, "
                           f"the year nearest {ctx.anchor.isoformat()}",
                           planned=_planned(chosen, ctx))
    chosen_span = _pick_year(make, ctx.anchor, _tense(ctx.text, c.start, c.end))
    if chosen_span is None:
        return _unresolved("DATE", "XXXX-XX-XX", "no valid year")
    return _anchored(chosen_span, ctx, "no year in the text: the nearest year")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _month_year(c: Candidate, ctx: _Context) -> _Result | None:
    parsed = parse_calendar(ctx.text[c.start:c.end], ctx.settings)
    month = MONTHS[c.get("m").lower().rstrip(".")]
    year = int(c.get("y"))
    if parsed is not None and (parsed[0].year, parsed[0].month) != (year, month):
        return _unresolved("DATE", "XXXX-XX", "dateparser disagreed with the pattern")
    span = dates.month_span(year, month)
    return _Result("DATE", dates.span_value(span), span, "absolute", "the text gives the month")


def _month(c: Candidate, ctx: _Context) -> _Result | None:
    month = MONTHS[c.get("m").lower()]
    rel = c.get("rel").lower()
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-{month:02d}", "no year, and the document has no date")
    tense = {"last": "past", "past": "past", "previous": "past", "prior": "past",
             "next": "future", "coming": "future", "following": "future"}.get(
        rel, _tense(ctx.text, c.start, c.end))
    if rel == "last":
        year = ctx.anchor.year - (0 if month < ctx.anchor.month else 1)
        span = dates.month_span(year, month)
    elif rel == "next":
        span = dates.month_span(ctx.anchor.year + (0 if month > ctx.anchor.month else 1), month)
    elif rel == "this":
        span = dates.month_span(ctx.anchor.year, month)
    else:
        found = _pick_year(lambda y: dates.month_span(y, month), ctx.anchor, tense)
        assert found is not None
        span = found
    return _anchored(span, ctx, "no year in the text: the nearest year")


def _month_or(c: Candidate, ctx: _Context) -> _Result | None:
    first, second = MONTHS[c.get("m").lower()], MONTHS[c.get("m2").lower()]
    conj = c.get("conj").lower()
    if c.get("y"):
        year = int(c.get("y"))
    elif ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-{first:02d}", "no year, and the document has no date")
    else:
        found = _pick_year(lambda y: dates.month_span(y, first), ctx.anchor,
                           _tense(ctx.text, c.start, c.end))
        assert found is not None
        year = found.start.year
    count = (second - first) % 12 + 1
    span = dates.months_span(year, first, count, Precision.MONTH)
    if conj == "or":
        span = replace(span, approximate=True)
    how: ResolvedBy = "absolute" if c.get("y") else "published-date"
    note = "a range of months" + ("" if c.get("y") else ", in the nearest year")
    planned = ctx.anchor is not None and span.end > ctx.anchor
    return _Result("DATE", dates.span_value(dates.month_span(year, first)), span, how, note,
                   planned=planned)


def _year(c: Candidate, ctx: _Context) -> _Result | None:
    span = dates.year_span(int(c.get("y")))
    return _Result("DATE", dates.span_value(span), span, "absolute", "the text gives the year")


def _decade(c: Candidate, ctx: _Context) -> _Result | None:
    if c.get("dec"):
        first = int(c.get("dec"))
    elif c.get("dec2"):
        first = 1900 + int(c.get("dec2"))
    else:
        first = 1900 + DECADE_WORDS[c.get("decw").lower()]
    span = dates.decade_span(first)
    if c.get("mod"):
        span = dates.with_modifier(span, c.get("mod").lower())
    return _Result("DATE", f"{first // 10:03d}X", span, "absolute", "the text gives the decade")


def _rel_year(rel: str, ctx: _Context, c: Candidate) -> int | None:
    """'last' -> anchor year - 1, 'next' -> + 1, 'this' or none -> the anchor's year."""
    assert ctx.anchor is not None
    offset = {"last": -1, "past": -1, "previous": -1, "prior": -1, "next": 1, "coming": 1,
              "following": 1}.get(rel, 0)
    return ctx.anchor.year + offset


def _season(c: Candidate, ctx: _Context) -> _Result | None:
    code = SEASONS[c.get("s").lower()]
    rel = c.get("rel").lower()
    if c.get("y"):
        span = dates.season_span(int(c.get("y")), code)
        result = _Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    elif (unknown := _relative(ctx, f"XXXX-{code}")) is not None:
        return unknown
    else:
        assert ctx.anchor is not None
        if rel in ("", "this", "early", "late"):
            found = _pick_year(lambda y: dates.season_span(y, code), ctx.anchor,
                               _tense(ctx.text, c.start, c.end))
            assert found is not None
            span = found
        else:
            year = _rel_year(rel, ctx, c)
            assert year is not None
            span = dates.season_span(year, code)
        result = _anchored(span, ctx, f"{rel or 'the'} {c.get('s').lower()}")
    if rel in ("early", "late") and result.span is not None:
        return replace(result, span=dates.with_modifier(result.span, rel))
    return result


def _quarter(c: Candidate, ctx: _Context) -> _Result | None:
    number = int(c.get("q")) if c.get("q") else {"first": 1, "second": 2, "third": 3,
                                                  "fourth": 4, "final": 4}.get(
        c.get("ord").lower(), 0)
    year_text = c.get("y") or (("19" if int(c.get("fy")) > 50 else "20") + c.get("fy")
                               if c.get("fy") else "")
    if year_text:
        if not number:
            return _unresolved("DURATION", "P3M", "a quarter")
        span = dates.quarter_span(int(year_text), number)
        return _Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-Q{number or 'X'}", "the document has no date")
    current = (ctx.anchor.month - 1) // 3 + 1
    rel = c.get("rel").lower()
    if not number:
        offset = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
        index = ctx.anchor.year * 4 + current - 1 + offset
        year, number = index // 4, index % 4 + 1
    else:
        year = ctx.anchor.year if number <= current or rel == "next" else ctx.anchor.year - 1
        if rel == "next" and number <= current:
            year += 1
    span = dates.quarter_span(year, number)
    return _anchored(span, ctx, "a quarter without a year: the latest such quarter")


def _half(c: Candidate, ctx: _Context) -> _Result | None:
    half = 1 if c.get("ord").lower() == "first" or c.get("h") == "1" else 2
    year_text = c.get("y") or c.get("y2")
    if year_text:
        span = dates.half_span(int(year_text), half)
        return _Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-H{half}", "the document has no date")
    return _anchored(dates.half_span(ctx.anchor.year, half), ctx, "a half without a year")


def _fiscal(c: Candidate, ctx: _Context) -> _Result | None:
    text = c.get("y") or c.get("y2")
    year = int(text) if len(text) == 4 else (1900 if int(text) > 50 else 2000) + int(text)
    span = dates.year_span(year)
    return _Result("DATE", f"FY{year}", span, "absolute", "a fiscal year", dates_event=False)


def _time(c: Candidate, ctx: _Context) -> _Result | None:
    if c.get("noon"):
        hour, minute = (12 if c.get("noon").lower() != "midnight" else 0), 0
    else:
        hour = int(c.get("h") or c.get("h2"))
        minute = int(c.get("mi") or c.get("mi2") or 0)
        ampm = c.get("ap").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
    clock = f"T{hour:02d}:{minute:02d}"
    if ctx.anchor is None or not ctx.exact:
        return _Result("TIME", f"XXXX-XX-XX{clock}", None, "unresolved", "a time of day",
                       dates_event=False)
    return _Result("TIME", f"{ctx.anchor.isoformat()}{clock}", None, "published-date",
                   "a time of day", dates_event=False)


def _weekday(c: Candidate, ctx: _Context) -> _Result | None:
    weekday = WEEKDAYS[c.get("wd").lower()]
    part = c.get("part").lower()
    suffix = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
              "overnight": "NI"}.get(part, "")
    if ctx.anchor is None or not ctx.exact:
        why = "the document has no date" if ctx.anchor is None else (
            "the document's date is only inferred, not known to the day")
        return _unresolved("TIME" if suffix else "DATE", f"XXXX-WXX-{weekday + 1}", why)
    rel = c.get("rel").lower()
    if rel in ("last", "past"):
        direction = "last"
    elif rel in ("next", "coming"):
        direction = "next"
    else:
        direction = "future" if _tense(ctx.text, c.start, c.end) == "future" else "past"
    day = _weekday_date(weekday, ctx.anchor, direction)
    span = dates.day_span(day)
    words = {"last": "the last", "next": "the next", "future": "the next",
             "past": "the last"}[direction]
    how = f"{words} {c.get('wd')} {'before' if direction in ('last', 'past') else 'after'}"
    if direction == "past":
        how = f"the last {c.get('wd')} on or before"
    return _Result("TIME" if suffix else "DATE",
                   f"{day.isoformat()}T{suffix}" if suffix else day.isoformat(), span,
                   "published-date", f"{how} {ctx.anchor.isoformat()}",
                   planned=day > ctx.anchor)


_DEICTIC_DAYS = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0,
                 "tomorrow": 1, "the day after tomorrow": 2}
_REFS = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
         "these days": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
         "the present": "PRESENT_REF", "recently": "PAST_REF", "the past": "PAST_REF",
         "the future": "FUTURE_REF"}


def _deictic(c: Candidate, ctx: _Context) -> _Result | None:
    word = " ".join(c.get("w").lower().split())
    if word in _REFS:
        return _Result("DATE", _REFS[word], None, "published-date" if ctx.anchor else
                       "unresolved", "a reference to the present, past or future",
                       dates_event=False)
    if ctx.anchor is None or not ctx.exact:
        return _unresolved("DATE", "XXXX-XX-XX", "relative to a document date we do not know")
    day = ctx.anchor + timedelta(days=_DEICTIC_DAYS[word])
    part = c.get("part").lower() or ("night" if word == "tonight" else "")
    suffix = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
              "overnight": "NI"}.get(part, "")
    value = f"{day.isoformat()}T{suffix}" if suffix else day.isoformat()
    return _anchored(dates.day_span(day), ctx, f"'{word}'", "TIME" if suffix else "DATE",
                     value)


def _unit_span(unit: str, day: date) -> DateSpan:
    if unit in ("week", "weekend"):
        return dates.week_span(day)
    if unit == "month":
        return dates.month_span(day.year, day.month)
    if unit == "quarter":
        return dates.quarter_span(day.year, (day.month - 1) // 3 + 1)
    if unit == "decade":
        return dates.decade_span(day.year // 10 * 10)
    if unit == "century":
        return DateSpan(date(day.year // 100 * 100, 1, 1), date(day.year // 100 * 100 + 99,
                                                                  12, 31), Precision.DECADE)
    return dates.year_span(day.year)


def _step(unit: str, day: date, count: int) -> date:
    if unit in ("week", "weekend"):
        return day + timedelta(weeks=count)
    if unit == "month":
        return dates.add_months(day, count)
    if unit == "quarter":
        return dates.add_months(day, 3 * count)
    if unit == "decade":
        return day.replace(year=day.year + 10 * count, day=min(day.day, 28))
    if unit == "century":
        return day.replace(year=day.year + 100 * count, day=min(day.day, 28))
    return day.replace(year=day.year + count, day=min(day.day, 28))


def _rel_unit(c: Candidate, ctx: _Context) -> _Result | None:
    unit = c.get("u").lower()
    rel = " ".join(c.get("rel").lower().split())
    pre = c.get("pre").lower()
    if c.get("the") and rel in ("past", "last", "previous") and not pre:
        # "the past year" is a duration in TimeML (P1Y), not a calendar year.
        code = {"week": "W", "weekend": "WE", "month": "M", "year": "Y", "quarter": "Q",
                "decade": "DE", "century": "CE", "season": "S"}[unit]
        return _Result("DURATION", f"P1{code}", None, "absolute", "a length of time",
                       dates_event=False)
    if (unknown := _relative(ctx, "XXXX")) is not None:
        return unknown
    assert ctx.anchor is not None
    if unit == "season":
        return _Result("DATE", "PRESENT_REF", None, "published-date", "this season",
                       dates_event=False)
    offset = {"last": -1, "past": -1, "previous": -1, "prior": -1, "this past": -1, "next": 1,
              "coming": 1, "following": 1}.get(rel, 0)
    how: ResolvedBy
    if rel in ("following", "same", "that") and ctx.previous is not None:
        base, how = ctx.previous.start, "previous-date"
    else:
        base, how = ctx.anchor, "published-date"
    span = _unit_span(unit, _step(unit, base, offset))
    if pre == "earlier":
        span = DateSpan(span.start, min(span.end, ctx.anchor), span.precision, True)
    elif pre == "later":
        span = DateSpan(max(span.start, ctx.anchor), span.end, span.precision, True)
    note = f"'{rel} {unit}' counted from {base.isoformat()}"
    value = dates.span_value(_unit_span(unit, _step(unit, base, offset)))
    if unit == "weekend":
        value = value + "-WE"
    return _Result("DATE", value, span, how, note, planned=bool(pre == "later") or
                   span.start > ctx.anchor)


def _edge(c: Candidate, ctx: _Context) -> _Result | None:
    if (unknown := _relative(ctx, "XXXX")) is not None:
        return unknown
    assert ctx.anchor is not None
    unit = c.get("u").lower()
    text = ctx.text[c.start:c.end].lower()
    offset = -1 if " last " in f" {text} " else 1 if " next " in f" {text} " else 0
    span = _unit_span(unit, _step(unit, ctx.anchor, offset))
    edge = c.get("edge").lower()
    modifier = {"beginning": "early", "start": "early", "end": "late", "middle": "mid",
                "turn": "early"}[edge]
    value = dates.span_value(span)
    span = dates.with_modifier(span, modifier)
    since = bool(re.search(r"\bsince\s+$", ctx.text[max(0, c.start - 8):c.start], re.I))
    return _anchored(span, ctx, f"the {edge} of the {unit}", value=value,
                     dates_event=not since)


def _ago(c: Candidate, ctx: _Context) -> _Result | None:
    count = number_value(c.get("n"))
    unit = unit_code(c.get("u"))
    direction = c.get("dir").lower()
    if count is None or unit not in ("D", "W", "M", "Y", "DE"):
        return None
    whole = int(count) if count >= 1 else 1
    if direction in ("ago", "earlier", "before", "previously"):
        whole = -whole
    how: ResolvedBy
    if direction != "ago":  # "two days later": from the previous date in the text
        if ctx.previous is None:
            return _unresolved("DATE", "XXXX-XX-XX", "relative to an earlier date in the text, "
                               "and there is none")
        base, how = ctx.previous.start, "previous-date"
    else:
        if (unknown := _relative(ctx, "XXXX-XX-XX")) is not None:
            return unknown
        assert ctx.anchor is not None
        base, how = ctx.anchor, "published-date"
    name = {"D": "day", "W": "week", "M": "month", "Y": "year", "DE": "decade"}[unit]
    day = base + timedelta(days=whole) if unit == "D" else _step(name, base, whole)
    vague = c.get("n").lower() in ("several", "a few", "few", "many", "a couple of")
    if unit == "D":
        span = dates.day_span(day)
    elif unit == "W":
        span = dates.week_span(day)
    elif unit == "M":
        span = dates.month_span(day.year, day.month)
    elif unit == "Y":
        span = dates.year_span(day.year)
    else:
        span = dates.decade_span(day.year // 10 * 10)
    span = replace(span, approximate=vague)
    note = f"{c.get('n')} {name}(s) {direction}, counted from {base.isoformat()}"
    return _Result("DATE", dates.span_value(span), span, how, note,
                   planned=ctx.anchor is not None and span.start > ctx.anchor)


def _anchored_unit(c: Candidate, ctx: _Context) -> _Result | None:
    rel = (c.get("rel") or c.get("dir") or c.get("that")).lower()
    unit = (c.get("u") or c.get("u2") or "day").lower()
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "day"
    if ctx.previous is None:
        return _unresolved("DATE", "XXXX-XX-XX", "relative to an earlier date in the text, and "
                           "there is none")
    base = ctx.previous.start
    offset = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1,
              "prior": -1, "before": -1}.get(rel, 0)
    if unit == "day":
        span = dates.day_span(base + timedelta(days=offset))
    else:
        span = _unit_span(unit, _step(unit, base, offset))
    if span.precision > ctx.previous.precision:
        return _unresolved("DATE", "XXXX-XX-XX", "the earlier date is not precise enough")
    return _Result("DATE", dates.span_value(span), span, "previous-date",
                   f"'{ctx.text[c.start:c.end]}' counted from {base.isoformat()}, the "
                   "previous date in the text")


def _set(c: Candidate, ctx: _Context) -> _Result | None:
    word = (c.get("u") or c.get("u2") or c.get("adv")).lower()
    codes = {"day": "P1D", "daily": "P1D", "nightly": "P1D", "week": "P1W", "weekly": "P1W",
             "weekend": "P1W", "month": "P1M", "monthly": "P1M", "month-to-month": "P1M",
             "month-on-month": "P1M", "year": "P1Y", "annually": "P1Y", "yearly": "P1Y",
             "year-on-year": "P1Y", "quarter": "P3M", "quarterly": "P3M", "hourly": "PT1H",
             "biweekly": "P2W", "biannually": "P6M", "semiannually": "P6M",
             "week-on-week": "P1W"}
    if word in WEEKDAYS:
        value = f"XXXX-WXX-{WEEKDAYS[word] + 1}"
    elif word in MONTHS:
        value = f"XXXX-{MONTHS[word]:02d}"
    else:
        value = codes.get(word, "P1D")
    return _Result("SET", value, None, "absolute", "a repeating time", dates_event=False)


def _duration(c: Candidate, ctx: _Context) -> _Result | None:
    if (c.get("long") or "").lower() == "-old":
        return None  # "a 44-year-old man": an age, not a period of time
    count_text = c.get("n").lower()
    if count_text.startswith(("more than ", "nearly ")):
        count_text = count_text.split()[-1]
    count = number_value(count_text)
    unit = unit_code(c.get("u"))
    if unit == "WE":
        unit = "W"
    if unit == "DE":
        amount, unit = (count or 0) * 10, "Y"
    elif unit == "CE":
        amount, unit = (count or 0) * 100, "Y"
    elif unit == "ML":
        amount, unit = (count or 0) * 1000, "Y"
    elif unit == "Q":
        amount, unit = (count or 0) * 3, "M"
    else:
        amount = count or 0
    vague = count_text in ("several", "a few", "few", "many", "a couple of", "some")
    if vague or count is None:
        number = "X"
    else:
        number = str(int(amount)) if float(amount).is_integer() else str(amount)
    time_unit = unit in ("H", "S") or (unit == "M" and c.get("u").lower().startswith("min"))
    value = f"PT{number}{unit}" if time_unit else f"P{number}{unit}"
    return _Result("DURATION", value, None, "absolute", "a length of time", dates_event=False)


def _vague_future(c: Candidate, ctx: _Context) -> _Result | None:
    unit = (c.get("u") or c.get("u2") or c.get("u3") or "months").lower()
    if (unknown := _relative(ctx, "FUTURE_REF")) is not None:
        return replace(unknown, dates_event=False)
    assert ctx.anchor is not None
    reach = {"days": 14, "weeks": 56, "months": 183, "years": 3 * 365, "day": 1, "week": 7,
             "month": 31, "year": 365}.get(unit, 183)
    if "near future" in ctx.text[c.start:c.end].lower():
        reach = 183
    precision = Precision.YEAR if unit.startswith("year") else Precision.MONTH
    if unit.startswith(("day", "week")):
        precision = Precision.WEEK
    start, end = ctx.anchor, ctx.anchor + timedelta(days=reach)
    if precision == Precision.MONTH:  # whole months from the published one: no made-up days
        start, end = start.replace(day=1), end.replace(day=dates.last_day(end.year, end.month))
    span = DateSpan(start, end, precision, True)
    return _Result("DATE", "FUTURE_REF", span, "published-date",
                   f"a vague future period, counted from {ctx.anchor.isoformat()}", planned=True)


def _before(c: Candidate, ctx: _Context) -> _Result | None:
    # Resolved later by _link_before, against the date that follows it in the sentence.
    unit = c.get("u").lower()
    direction = "after" if c.get("dir").lower() == "after" else "before"
    return _Result("DURATION", f"PX{unit_code(unit)}", None, "absolute",
                   f"{unit} {direction}", dates_event=False)


RESOLVERS = {
    "iso": _calendar_date, "numeric": _calendar_date, "dmy": _calendar_date,
    "mdy": _calendar_date, "month_or": _month_or, "month_year": _month_year,
    "decade": _decade, "season": _season, "quarter": _quarter, "half": _half,
    "fiscal": _fiscal, "time": _time, "weekday": _weekday, "month": _month, "year": _year,
    "deictic": _deictic, "vague_future": _vague_future, "rel_unit": _rel_unit, "edge": _edge,
    "ago": _ago, "anchored": _anchored_unit, "set": _set, "duration": _duration,
    "before": _before,
}


# --- modifiers, links and the public entry points --------------------------------------------

_MODIFIER_BEFORE = re.compile(
    r"(?i:\b(?P<mod>early|mid|late|the\s+(?:beginning|start|end|middle)\s+of|the\s+turn\s+of)"
    r"(?:-|\s+))$")
_APPROX_BEFORE = re.compile(r"(?i:\b(?:about|around|approximately|circa|roughly|some\s+time\s+in"
                            r"|sometime\s+in|c\.)\s+)$")
_SINCE_BEFORE = re.compile(r"(?i:\bsince\s+)$")
_ANNIVERSARY = re.compile(r"(?i)\b(?:anniversary|jubilee|centenary|centennial)\b")
_DATELINE = re.compile(r"^[ \t]*(?:[A-Z][A-Za-z.'\- ]{1,40}?,[ \t]+)?$")
_DATELINE_AFTER = re.compile(r"^\s*(?:\([A-Za-z. ]{1,30}\)\s*)?[-–—]")
_MODIFIABLE = {"month_year", "month", "year", "season", "quarter", "half"}
_MOD_WORDS = {"early": "early", "mid": "mid", "late": "late", "the beginning of": "early",
              "the start of": "early", "the end of": "late", "the middle of": "mid",
              "the turn of": "early"}
_BEFORE_REACH = {"days": 10, "weeks": 28, "months": 183, "hours": 1}


def _with_modifiers(c: Candidate, result: _Result, text: str) -> tuple[int, _Result]:
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


def _is_dateline(sentence: Sentence, c: Candidate) -> bool:
    text = sentence.text
    return bool(_DATELINE.match(text[:c.start]) and _DATELINE_AFTER.match(text[c.end:])
                and c.rule in ("dmy", "mdy", "iso", "numeric"))


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


def find_mentions(sentence: Sentence, anchor: date | None, settings: Settings,
                  previous: DateSpan | None = None, exact: bool = True) -> tuple[Mention, ...]:
    """Every time expression in one sentence, resolved against ``anchor`` (or unresolved)."""
    text = sentence.text
    out: list[Mention] = []
    for c in find_candidates(text):
        ctx = _Context(text, anchor, exact, previous, settings)
        result = RESOLVERS[c.rule](c, ctx)
        if result is None:
            continue
        start, result = _with_modifiers(c, result, text)
        dateline = _is_dateline(sentence, c)
        dates_event = result.dates_event and not dateline
        if _SINCE_BEFORE.search(text, 0, start) and result.resolved_by != "absolute":
            dates_event = False
        if (result.resolved_by == "published-date" and result.span is not None
                and result.span.precision <= Precision.YEAR and _ANNIVERSARY.search(text)):
            dates_event = False  # "this year marks the 25th anniversary": a date, no happening
        uses_anchor = result.resolved_by == "published-date"
        out.append(Mention(
            sentence=sentence.index, text=text[start:c.end], start=sentence.start + start,
            end=sentence.start + c.end, timex_type=result.timex_type, value=result.value,
            span=result.span, resolved_by=result.resolved_by,
            anchor=anchor if uses_anchor else (previous.start if previous and
                                               result.resolved_by == "previous-date" else None),
            note=result.note, planned=result.planned, dateline=dateline, dates_event=dates_event,
        ))
        if result.span is not None and result.span.precision >= Precision.DAY and not dateline:
            previous = result.span
    return tuple(_link_before(out))


def find_document_mentions(sentences: Sequence[Sentence], anchor: date | None,
                           settings: Settings, exact: bool = True) -> tuple[Mention, ...]:
    """Mentions of a whole document, threading the previous day for "two days later"."""
    out: list[Mention] = []
    previous: DateSpan | None = None
    for sentence in sentences:
        found = find_mentions(sentence, anchor, settings, previous, exact)
        out.extend(found)
        for m in found:
            if m.span is not None and m.span.precision >= Precision.DAY and not m.dateline:
                previous = m.span
    return tuple(out)


def _year_bearing(candidates: Iterable[Candidate]) -> list[int]:
    years = []
    for c in candidates:
        if c.get("y") and c.rule in ("iso", "dmy", "mdy", "month_year", "year"):
            years.append(int(c.get("y")))
    return years


def infer_published(body: str, config: DateConfig) -> tuple[date | None, PublishedFrom, str]:
    """Guess a document's date from a dateline and weekday-dated days; never from today."""
    years: list[int] = []
    combos: list[tuple[int, int, int, str]] = []  # weekday, month, day, text
    dateline: tuple[int, int, int | None, str] | None = None
    for line in body.split("\n"):
        if not line.strip():
            continue
        candidates = find_candidates(line)
        years.extend(_year_bearing(candidates))
        for c in candidates:
            if c.rule not in ("dmy", "mdy"):
                continue
            month = MONTHS.get(c.get("m").lower().rstrip("."))
            day = int(re.sub(r"\D", "", c.get("d")))
            if month is None:
                continue
            if dateline is None and _DATELINE.match(line[:c.start]) and _DATELINE_AFTER.match(
                    line[c.end:]):
                dateline = (month, day, int(c.get("y")) if c.get("y") else None,
                            line[:c.end].strip())
            if c.get("wd") and not c.get("y"):
                combos.append((WEEKDAYS[c.get("wd").lower().rstrip(".")], month, day,
                               line[c.start:c.end]))
    if dateline and dateline[2] and _valid(dateline[2], dateline[0], dateline[1]):
        found = date(dateline[2], dateline[0], dateline[1])
        return found, "dateline", f"from the dateline '{dateline[3]}'"
    if not combos or not years:
        return None, "none", ""
    latest = max(years)
    fits: set[int] | None = None
    for weekday, month, day, _ in combos:
        ok = {y for y in range(latest, latest + 4)
              if _valid(y, month, day) and date(y, month, day).weekday() == weekday}
        fits = ok if fits is None else fits & ok
    if not fits or len(fits) != 1:
        return None, "none", ""
    year = fits.pop()
    combo_text = combos[0][3]
    why = (f"'{combo_text}' falls on that weekday only in {year} among the years from "
           f"{latest}, the latest the text mentions")
    if dateline and _valid(year, dateline[0], dateline[1]):
        found = date(year, dateline[0], dateline[1])
        return found, "dateline", f"from the dateline '{dateline[3]}', the year because {why}"
    latest_day = max(date(year, m, d) for _, m, d, _ in combos)
    return latest_day, "inferred", f"inferred: {why}; the day is the latest such date"
