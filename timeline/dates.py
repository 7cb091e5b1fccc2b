"""Calendar arithmetic on DateSpan: periods to spans, labels and ISO/TIMEX3 output."""

from __future__ import annotations

import calendar
import functools
from datetime import date, timedelta

from timeline.model import DateSpan, Precision

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
SEASON_NAMES = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
MIN_YEAR, MAX_YEAR = 1, 9999


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def last_day(year: int, month: int) -> int:
    """Number of days in a month."""
    if not 1 <= month <= 12:
        return calendar.monthrange(year, month)[1]  # raises calendar's own error
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


def day_span(day: date) -> DateSpan:
    """A single day."""
    return DateSpan(day, day, Precision.DAY)


def week_span(day: date) -> DateSpan:
    """The ISO week (Monday to Sunday) holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return DateSpan(monday, monday + timedelta(days=6), Precision.WEEK)


def month_span(year: int, month: int) -> DateSpan:
    """A calendar month."""
    return DateSpan(date(year, month, 1), date(year, month, last_day(year, month)),
                    Precision.MONTH)


def months_span(year: int, first: int, count: int, precision: Precision) -> DateSpan:
    """``count`` months from ``first`` (may run into the next year)."""
    start = date(year, first, 1)
    end_month = first + count - 1
    end_year = year + (end_month - 1) // 12
    end_month = (end_month - 1) % 12 + 1
    return DateSpan(start, date(end_year, end_month, last_day(end_year, end_month)), precision)


def season_span(year: int, season: str) -> DateSpan:
    """Spring (Mar-May), summer, autumn or winter (Dec to Feb of the next year)."""
    return months_span(year, SEASON_START[season], 3, Precision.SEASON)


def quarter_span(year: int, quarter: int) -> DateSpan:
    """A calendar quarter, 1 to 4."""
    return months_span(year, 3 * quarter - 2, 3, Precision.QUARTER)


def half_span(year: int, half: int) -> DateSpan:
    """A half year, 1 or 2."""
    return months_span(year, 6 * half - 5, 6, Precision.HALF)


def year_span(year: int) -> DateSpan:
    """A calendar year."""
    return DateSpan(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)


def decade_span(first_year: int) -> DateSpan:
    """A decade such as the 1990s (1990-1999)."""
    return DateSpan(date(first_year, 1, 1), date(first_year + 9, 12, 31), Precision.DECADE)


def century_span(first_year: int) -> DateSpan:
    """A century such as the 1900s (1900-1999); decade is the coarsest precision we name."""
    return DateSpan(date(max(first_year, MIN_YEAR), 1, 1), date(first_year + 99, 12, 31),
                    Precision.DECADE)


def with_modifier(span: DateSpan, modifier: str) -> DateSpan:
    """The early, mid or late part of a span; approximate, precision unchanged.

    Parts follow the calendar where they can, so that their bounds stay coarse: a year
    splits into January-April, May-August and September-December, a decade into its first
    four, middle three and last three years, anything else into thirds by days."""
    index = {"early": 0, "late": 2}.get(modifier, 1)
    if span.precision == Precision.YEAR and _aligned_year(span) and span.start.year == \
            span.end.year:
        first = 1 + 4 * index
        start = date(span.start.year, first, 1)
        end = date(span.start.year, first + 3, last_day(span.start.year, first + 3))
    elif span.precision == Precision.DECADE and _aligned_year(span):
        bounds = ((0, 3), (4, 6), (7, 9))[index]
        base = span.start.year
        start, end = date(base + bounds[0], 1, 1), date(base + bounds[1], 12, 31)
    else:
        days = (span.end - span.start).days + 1
        third = max(days // 3, 1)
        if index == 0:
            start, end = span.start, span.start + timedelta(days=third - 1)
        elif index == 2:
            start, end = span.end - timedelta(days=third - 1), span.end
        else:
            start, end = span.start + timedelta(days=third), span.end - timedelta(days=third)
    return DateSpan(start, max(start, end), span.precision, True, modifier)


def span_like(precision: Precision, day: date) -> DateSpan:
    """The span of the given precision that holds ``day`` (its day, week, month, ...)."""
    if precision == Precision.DAY:
        return day_span(day)
    if precision == Precision.WEEK:
        return week_span(day)
    if precision == Precision.MONTH:
        return month_span(day.year, day.month)
    if precision == Precision.SEASON:
        first = (day.month // 3) * 3 or 12  # Dec-Feb is the winter of December's year
        return season_span(day.year - (1 if day.month < 3 else 0),
                           next(k for k, v in SEASON_START.items() if v == first))
    if precision == Precision.QUARTER:
        return quarter_span(day.year, (day.month - 1) // 3 + 1)
    if precision == Precision.HALF:
        return half_span(day.year, 1 if day.month <= 6 else 2)
    if precision == Precision.YEAR:
        return year_span(day.year)
    return decade_span(day.year // 10 * 10)


def easter(year: int) -> date:
    """Western Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 19 * m) // 433
    month = (h + m - 7 * n + 90) // 25
    return date(year, month, (h + m - 7 * n + 33 * month + 19) % 32)


_WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH_CODES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")


def holiday(rule: str, year: int) -> date:
    """The day of a named holiday in a year, from its rule: "12-25" (fixed), "easter+1",
    "nov-thu-4" (the fourth Thursday), "may-mon-last", "nov-tue-after-mon-1"."""
    if rule.startswith("easter"):
        return easter(year) + timedelta(days=int(rule[6:]))
    parts = rule.split("-")
    if parts[0].isdigit():
        return date(year, int(parts[0]), int(parts[1]))
    month = _MONTH_CODES.index(parts[0]) + 1
    weekday = _WEEKDAY_CODES.index(parts[1])
    first = date(year, month, 1)
    first_match = first + timedelta(days=(weekday - first.weekday()) % 7)
    if parts[2] == "last":
        last = date(year, month, last_day(year, month))
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if parts[2] == "after":  # the <weekday> after the first <other weekday>
        other = _WEEKDAY_CODES.index(parts[3])
        anchor = first + timedelta(days=(other - first.weekday()) % 7)
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    return first_match + timedelta(weeks=int(parts[2]) - 1)


def shift_span(span: DateSpan, days: int) -> DateSpan:
    """The same span moved by a number of days."""
    delta = timedelta(days=days)
    return DateSpan(span.start + delta, span.end + delta, span.precision, span.approximate,
                    span.modifier)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, last_day(year, month)))


def span_value(span: DateSpan) -> str:
    """The TIMEX3 value of a span: 2026-02-01, 2022-W43, 2025-12, 2023-SP, 2022, 199X."""
    start, p = span.start, span.precision
    if p == Precision.DAY:
        return start.isoformat()
    if p == Precision.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if p == Precision.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    if p == Precision.SEASON:
        code = next(k for k, v in SEASON_START.items() if v == start.month)
        return f"{start.year:04d}-{code}"
    if p == Precision.QUARTER:
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if p == Precision.HALF:
        return f"{start.year:04d}-H{1 if start.month <= 6 else 2}"
    if p == Precision.YEAR:
        return f"{start.year:04d}"
    if span.end.year - start.year >= 99:
        return f"{start.year // 100:02d}"  # a century: 19 is the 1900s
    return f"{start.year // 10:03d}"  # a decade: 199 is the 1990s


def _aligned_month(span: DateSpan) -> bool:
    return span.start.day == 1 and span.end.day == last_day(span.end.year, span.end.month)


def _aligned_year(span: DateSpan) -> bool:
    return (span.start.month, span.start.day) == (1, 1) and (
        span.end.month, span.end.day) == (12, 31)


@functools.lru_cache(maxsize=65_536)
def iso_bounds(span: DateSpan) -> tuple[str, str]:
    """Start and end as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, never finer than needed.
    (Memoised, as span_label is.)"""
    p = span.precision
    if p <= Precision.YEAR and _aligned_year(span):
        return f"{span.start.year:04d}", f"{span.end.year:04d}"
    if p <= Precision.MONTH and _aligned_month(span):
        return (f"{span.start.year:04d}-{span.start.month:02d}",
                f"{span.end.year:04d}-{span.end.month:02d}")
    return span.start.isoformat(), span.end.isoformat()


def _day_label(day: date) -> str:
    return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def _days_label(s: date, e: date) -> str:
    """A run of days, sharing what the two ends share: "3–5 May 2025", "31 Aug – 1 Sep
    2025", "30 Dec 2025 – 2 Jan 2026"."""
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{e.day} {MONTH_ABBR[s.month - 1]} {s.year}"
    if s.year == e.year:
        return f"{s.day} {MONTH_ABBR[s.month - 1]} – {_day_label(e)}"
    return f"{_day_label(s)} – {_day_label(e)}"


def _month_label(day: date) -> str:
    return f"{MONTH_ABBR[day.month - 1]} {day.year}"


@functools.lru_cache(maxsize=65_536)
def span_label(span: DateSpan) -> str:
    """A human label that shows the precision: "1 Feb 2026", "Dec 2025", "early 2022".

    Memoised: a site of 4,000 articles asks 30,000 events' labels several times each
    (card, page, neighbours' links, every export), of about 1,200 distinct dates; a
    lookup costs a sixth of working it out again."""
    p, s, e = span.precision, span.start, span.end
    if span.modifier and p >= Precision.WEEK:  # "the end of the week": its last days
        return "about " + (_day_label(s) if s == e else _days_label(s, e))
    if span.modifier:
        whole = _unmodified_label(span)
        return f"{span.modifier} {whole}"
    if p == Precision.DAY:
        text = _day_label(s) if s == e else _days_label(s, e)
    elif p == Precision.WEEK:
        text = f"week of {_day_label(s)}" if (e - s).days == 6 else (
            f"{_day_label(s)} – {_day_label(e)}")
    elif p == Precision.YEAR and _aligned_year(span):
        text = str(s.year) if s.year == e.year else f"{s.year}–{e.year}"
    elif p == Precision.DECADE and _aligned_year(span) and e.year - s.year == 9:
        text = f"{s.year}s"
    elif p == Precision.SEASON and _aligned_month(span) and (e - s).days < 93:
        text = f"{SEASON_NAMES[span_value(span).split('-')[1]]} {s.year}"
    elif p == Precision.QUARTER and _aligned_month(span) and (e - s).days < 93:
        text = f"Q{(s.month - 1) // 3 + 1} {s.year}"
    elif p == Precision.HALF and _aligned_month(span) and (e - s).days < 185:
        text = f"{'first' if s.month <= 6 else 'second'} half of {s.year}"
    elif _aligned_month(span):
        if (s.year, s.month) == (e.year, e.month):
            text = _month_label(s)
        elif s.year == e.year:
            text = f"{MONTH_ABBR[s.month - 1]}–{MONTH_ABBR[e.month - 1]} {s.year}"
        else:
            text = f"{_month_label(s)} – {_month_label(e)}"
    else:
        text = _day_label(s) if s == e else f"{_day_label(s)} – {_day_label(e)}"
    return f"about {text}" if span.approximate else text


def _unmodified_label(span: DateSpan) -> str:
    p, s = span.precision, span.start
    if p == Precision.DECADE:
        return f"{s.year // 10 * 10}s"
    if p <= Precision.HALF:
        return str(s.year)
    if p == Precision.MONTH:
        return _month_label(s)
    return _day_label(s)


def sort_key(span: DateSpan | None) -> tuple[int, date, date, int]:
    """Order spans chronologically, undated last, coarser before finer on ties."""
    if span is None:
        return (1, date.max, date.max, 0)
    return (0, span.start, span.end, -int(span.precision))
