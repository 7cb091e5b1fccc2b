"""Resolvers for calendar expressions: days, months, years, decades, seasons, quarters, halves."""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from datetime import date, timedelta

from timeline import dates
from timeline.anchors import (
    Context,
    Result,
    anchored,
    framing_year,
    invalid,
    is_planned,
    no_anchor,
    parse_calendar,
    pick_year,
    tense_near,
    unresolved,
    valid_date,
    year_note,
    year_tense,
)
from timeline.lexicon import (
    DECADE_WORDS,
    FOREIGN_MONTHS,
    HOLIDAYS,
    MONTHS,
    SEASONS,
    WEEKDAYS,
    spelled_year,
)
from timeline.model import DateSpan, Precision, ResolvedBy
from timeline.patterns import Candidate


def _named_day(c: Candidate) -> date:
    """The day an iso, dmy or mdy match names (in 2000, a leap year, when it gives no
    year); date.min when there is no such day ("31 April")."""
    if c.rule == "iso":
        year, month = int(c.get("y")), int(c.get("m"))
    else:
        year, month = int(c.get("y") or 2000), MONTHS[c.get("m").lower().rstrip(".")]
    number = int(re.sub(r"\D", "", c.get("d")))
    return date(year, month, number) if valid_date(year, month, number) else date.min


def _calendar_date(c: Candidate, ctx: Context) -> Result | None:
    """iso, numeric, dmy and mdy: a day (or a range of days), with or without a year."""
    text = ctx.text[c.start:c.end]
    if c.get("wd"):
        text = text[text.index(c.get("wd")) + len(c.get("wd")):].lstrip(" ,.")
    if c.get("d2"):  # "1-3 February", "3 to 5 May": parse the first day, keep the range
        text = text.replace(c.get("dsep") + c.get("d2"), "", 1) if c.get("dsep") else \
            re.sub(r"\s*[-–]\s*" + re.escape(c.get("d2")), "", text, count=1)
    day = _named_day(c) if c.rule != "numeric" else None
    if day is None:
        parsed = parse_calendar(text, ctx.settings)  # all-numeric: dateparser, in date_order
        if parsed is None:
            return invalid("DATE", f"'{text}' is not a valid date")
        day = parsed[0]
    elif day == date.min:
        return invalid("DATE", f"'{text}' is not a valid date")
    has_year = bool(c.get("y") or c.rule in ("iso", "numeric"))
    span = dates.day_span(day)
    if c.get("d2"):
        # A stretch of days: "3-5 May", "3 to 5 May", "3 and 4 May", "between 3 and 17 May"
        # (temporal splits the other days joined by "and" into expressions of their own).
        end_day = int(re.sub(r"\D", "", c.get("d2")))
        if end_day > day.day:
            with contextlib.suppress(ValueError):
                span = DateSpan(day, day.replace(day=end_day), Precision.DAY,
                                c.get("dsep").strip().lower() == "or")
    weekday = WEEKDAYS.get(c.get("wd").lower().rstrip(".")) if c.get("wd") else None
    if has_year:
        note = "the text gives the full date"
        if c.rule == "numeric" and ctx.settings.order_from:
            note += f" ({ctx.settings.order_from})"
        if weekday is not None and day.weekday() != weekday:
            note += f"; but {day:%d %B %Y} is a {day:%A}, not a {c.get('wd')}"
            span = replace(span, approximate=True)
        value = dates.span_value(span)
        if c.get("hh"):
            return Result("TIME", f"{value}T{c.get('hh')}:{c.get('mm')}", span, "absolute", note)
        return Result("DATE", value, span, "absolute", note)
    if ctx.anchor is None:
        return unresolved("DATE", f"XXXX-{day.month:02d}-{day.day:02d}",
                           "no year in the text and the document has no date")
    length = (span.end - span.start).days

    def make(year: int) -> DateSpan:
        first = day.replace(year=year)
        return DateSpan(first, first + timedelta(days=length), Precision.DAY, span.approximate)

    anchor = ctx.anchor
    if weekday is not None:
        fits = [y for y in range(anchor.year - 1, anchor.year + 2)
                if valid_date(year=y, month=day.month, day=day.day)
                and date(y, day.month, day.day).weekday() == weekday]
        if fits:
            best = min(fits, key=lambda y: abs((date(y, day.month, day.day) - anchor).days))
            chosen = make(best)
            return Result("DATE", dates.span_value(chosen), chosen, "published-date",
                           f"no year in the text: {c.get('wd')} {day:%d %B} falls in {best}, "
                           f"the year nearest {ctx.anchor.isoformat()}",
                           planned=is_planned(chosen, ctx))
    tense = year_tense(ctx.text, c.start, c.end)
    framed = framing_year(ctx.text, c.start) if tense != "future" else None
    if framed is not None and valid_date(framed, day.month, day.day):
        chosen = make(framed)
        return Result("DATE", dates.span_value(chosen), chosen, "previous-date",
                      f"no year with the day: {framed}, the year the sentence gives",
                      base=date(framed, 1, 1))
    chosen_span = pick_year(make, ctx.anchor, tense)
    if chosen_span is None:
        return invalid("DATE", "no valid year")
    return anchored(chosen_span, ctx, f"no year in the text: {year_note(tense)}")


def _month_year(c: Candidate, ctx: Context) -> Result | None:
    month = MONTHS[c.get("m").lower().rstrip(".")]
    if c.get("sy"):  # "January nineteen ninety-seven"
        year = spelled_year(c.get("sy"))
        if year is None:
            return None
        span = dates.month_span(year, month)
        return Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    span = dates.month_span(int(c.get("y")), month)
    return Result("DATE", dates.span_value(span), span, "absolute", "the text gives the month")


def _month(c: Candidate, ctx: Context) -> Result | None:
    month = MONTHS[c.get("m").lower()]
    rel = c.get("rel").lower()
    if ctx.anchor is None:
        return unresolved("DATE", f"XXXX-{month:02d}", "no year, and the document has no date")
    if c.get("ry"):  # "February this year", "July of last year"
        shift = {"last": -1, "this": 0, "next": 1}[c.get("ry").lower()]
        return anchored(dates.month_span(ctx.anchor.year + shift, month), ctx,
                        f"the text gives the month of {c.get('ry').lower()} year")
    tense = {"last": "past", "past": "past", "previous": "past", "prior": "past",
             "next": "future", "coming": "future", "following": "future"}.get(
        rel) or year_tense(ctx.text, c.start, c.end)
    framed = framing_year(ctx.text, c.start) if not rel and tense != "future" else None
    if framed is not None:
        span = dates.month_span(framed, month)
        return Result("DATE", dates.span_value(span), span, "previous-date",
                      f"no year with the month: {framed}, the year the sentence gives",
                      base=span.start)
    if rel == "last":
        year = ctx.anchor.year - (0 if month < ctx.anchor.month else 1)
        span = dates.month_span(year, month)
    elif rel == "next":
        span = dates.month_span(ctx.anchor.year + (0 if month > ctx.anchor.month else 1), month)
    elif rel == "this":
        span = dates.month_span(ctx.anchor.year, month)
    else:
        found = pick_year(lambda y: dates.month_span(y, month), ctx.anchor, tense)
        assert found is not None
        span = found
    return anchored(span, ctx, f"no year in the text: {year_note(tense)}")


def _month_or(c: Candidate, ctx: Context) -> Result | None:
    first, second = MONTHS[c.get("m").lower()], MONTHS[c.get("m2").lower()]
    conj = c.get("conj").lower()
    if c.get("y"):
        year = int(c.get("y"))
    elif ctx.anchor is None:
        return unresolved("DATE", f"XXXX-{first:02d}", "no year, and the document has no date")
    else:
        found = pick_year(lambda y: dates.month_span(y, first), ctx.anchor,
                           year_tense(ctx.text, c.start, c.end))
        assert found is not None
        year = found.start.year
    count = (second - first) % 12 + 1
    span = dates.months_span(year, first, count, Precision.MONTH)
    if conj == "or":
        span = replace(span, approximate=True)
    how: ResolvedBy = "absolute" if c.get("y") else "published-date"
    note = "a range of months" + ("" if c.get("y") else ", in the nearest year")
    planned = ctx.anchor is not None and span.end > ctx.anchor
    return Result("DATE", dates.span_value(dates.month_span(year, first)), span, how, note,
                   planned=planned)


def _year(c: Candidate, ctx: Context) -> Result | None:
    first = int(c.get("y"))
    span = dates.year_span(first)
    last = c.get("y2")
    if last:  # "1999-2000", "2014-16", "the 2022/23 season": the years from one to the other
        end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        if end > first:
            span = DateSpan(span.start, dates.year_span(end).end, Precision.YEAR)
            return Result("DATE", dates.span_value(span), span, "absolute",
                          "the text gives the years")
        # "2014-12" may be December 2014: the year holds it
    return Result("DATE", dates.span_value(span), span, "absolute", "the text gives the year")


def _decade(c: Candidate, ctx: Context) -> Result | None:
    if c.get("dec"):
        first = int(c.get("dec"))
    elif c.get("dec2"):
        first = 1900 + int(c.get("dec2"))
    else:
        first = 1900 + DECADE_WORDS[c.get("decw").lower()]
    span = dates.decade_span(first)
    if c.get("mod"):
        span = dates.with_modifier(span, c.get("mod").lower())
    return Result("DATE", dates.span_value(dates.decade_span(first)), span, "absolute",
                  "the text gives the decade")


def _century(c: Candidate, ctx: Context) -> Result | None:
    """"the 20th century": the years 1900-1999, TIMEX3 value 19."""
    number = int(c.get("n"))
    if number < 1:
        return None
    span = dates.century_span((number - 1) * 100)
    return Result("DATE", dates.span_value(span), span, "absolute", "the text gives the century")


def _rel_year(rel: str, ctx: Context, c: Candidate) -> int | None:
    """'last' -> anchor year - 1, 'next' -> + 1, 'this' or none -> the anchor's year."""
    assert ctx.anchor is not None
    offset = {"last": -1, "past": -1, "previous": -1, "prior": -1, "next": 1, "coming": 1,
              "following": 1}.get(rel, 0)
    return ctx.anchor.year + offset


def _season(c: Candidate, ctx: Context) -> Result | None:
    code = SEASONS[c.get("s").lower()]
    rel = c.get("rel").lower()
    year = int(c.get("y")) if c.get("y") else spelled_year(c.get("sy")) if c.get("sy") else None
    if year is not None:
        span = dates.season_span(year, code)
        result = Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    elif (unknown := no_anchor(ctx, f"XXXX-{code}")) is not None:
        return unknown
    else:
        assert ctx.anchor is not None
        if rel in ("that", "same") or (rel in ("following", "previous", "prior") and any(
                s.precision >= Precision.YEAR for s in ctx.recent)):
            return _season_of_last(code, rel, c.get("s").lower(), ctx)
        if rel in ("", "this", "early", "late"):
            found = pick_year(lambda y: dates.season_span(y, code), ctx.anchor,
                               year_tense(ctx.text, c.start, c.end))
            assert found is not None
            span = found
        else:
            year = _rel_year(rel, ctx, c)
            assert year is not None
            span = dates.season_span(year, code)
        result = anchored(span, ctx, f"{rel or 'the'} {c.get('s').lower()}")
    if rel in ("early", "late") and result.span is not None:
        return replace(result, span=dates.with_modifier(result.span, rel))
    return result


def _season_of_last(code: str, rel: str, word: str, ctx: Context) -> Result:
    """"that summer", "the following summer", "the previous winter": the season of (after,
    before) the date the text gave last (for "following" and "previous", in this sentence
    or the one before), not of the paper's."""
    near = [s for s in ctx.recent if s.precision >= Precision.YEAR]
    last = ctx.last if rel in ("that", "same") else near[-1] if near else None
    if last is None or last.precision < Precision.YEAR:
        return unresolved("DATE", f"XXXX-{code}", f"'{rel} {word}' points back to a date, and "
                          "the text gave none before")
    spans = [dates.season_span(y, code) for y in range(last.start.year - 1,
                                                         last.start.year + 2)]
    if rel in ("that", "same"):
        span = spans[1]
    elif rel == "following":
        span = next(s for s in spans if s.start > last.end) if spans[2].start > last.end \
            else dates.season_span(last.start.year + 2, code)
    else:
        before = [s for s in spans if s.start < last.start]
        span = before[-1] if before else dates.season_span(last.start.year - 2, code)
    return Result("DATE", dates.span_value(span), span, "previous-date",
                  f"'{rel} {word}' of {dates.span_label(last)}, the date the text gave last",
                  base=last.start)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}


def _completed_quarter(anchor: date) -> DateSpan:
    """The last quarter that had ended by the anchor: the one a report looks back on."""
    index = anchor.year * 4 + (anchor.month - 1) // 3 - 1
    return dates.quarter_span(index // 4, index % 4 + 1)


def _quarter_number(span: DateSpan) -> int:
    return (span.start.month - 1) // 3 + 1


def _quarter(c: Candidate, ctx: Context) -> Result | None:
    number = int(c.get("q")) if c.get("q") else _ORDINALS.get(c.get("ord").lower(), 0)
    fiscal = c.get("fy")
    year_text = c.get("y") or c.get("py") or (("19" if int(fiscal) > 50 else "20") + fiscal
                                              if fiscal else "")
    if year_text and (number or ctx.quarter is not None or ctx.anchor is not None):
        if not number:  # "the 1988 quarter": the quarter under discussion, in that year
            ref = ctx.quarter or _completed_quarter(ctx.anchor) if ctx.anchor else ctx.quarter
            assert ref is not None
            number = _quarter_number(ref)
        span = dates.quarter_span(int(year_text), number)
        return Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    if year_text:
        return unresolved("DURATION", "P3M", "a quarter")
    if ctx.anchor is None:
        return unresolved("DATE", f"XXXX-Q{number or 'X'}", "the document has no date")
    rel = c.get("rel").lower()
    if c.get("ry"):
        year = ctx.anchor.year + {"last": -1, "next": 1}.get(c.get("ry").lower(), 0)
        number = number or _quarter_number(ctx.quarter or _completed_quarter(ctx.anchor))
        return anchored(dates.quarter_span(year, number), ctx, f"{c.get('ry')} year's quarter")
    if c.get("yago"):
        ref = ctx.quarter if _reported(ctx.quarter, ctx.anchor) and ctx.quarter and \
            ctx.quarter.start <= ctx.anchor else _completed_quarter(ctx.anchor)
        span = dates.quarter_span(ref.start.year - 1, number or _quarter_number(ref))
        return anchored(span, ctx, "the same quarter a year before the one under discussion")
    if c.get("latest"):
        return anchored(_completed_quarter(ctx.anchor), ctx, "the last quarter that had ended")
    current = (ctx.anchor.month - 1) // 3 + 1
    if number:
        year = ctx.anchor.year if number <= current or rel == "next" else ctx.anchor.year - 1
        if rel == "next" and number <= current:
            year += 1
        span = dates.quarter_span(year, number)
        return anchored(span, ctx, "a quarter without a year: the latest such quarter")
    if rel in ("", "that", "same") and ctx.quarter is not None:
        return anchored(ctx.quarter, ctx, "the quarter the text last named")
    if rel == "" and tense_near(ctx.text, c.start, c.end) == "past":
        return anchored(_completed_quarter(ctx.anchor), ctx, "the last quarter that had ended")
    offset = {"last": -1, "previous": -1, "past": -1, "prior": -1, "next": 1, "coming": 1,
              "following": 1}.get(rel, 0)
    index = ctx.anchor.year * 4 + current - 1 + offset
    span = dates.quarter_span(index // 4, index % 4 + 1)
    return anchored(span, ctx, f"{rel or 'the'} quarter")


def _reported(span: DateSpan | None, anchor: date | None) -> bool:
    """True for a period that can be the one a report compares: it began by the report's
    year, and not before it (a period of the year before is already the comparison)."""
    return span is not None and (anchor is None or span.start.year == anchor.year or (
        span.start.year == anchor.year - 1 and anchor.month <= 3))


def _year_ago(c: Candidate, ctx: Context) -> Result | None:
    """"year-earlier profit", "the year-ago results": a year before the period discussed."""
    last = ctx.recent[-1] if ctx.recent else None
    if last is not None and last.precision > Precision.YEAR:
        if not _reported(last, ctx.anchor):  # "in the 1988 period. The year-ago results"
            return Result("DATE", dates.span_value(last), last, "previous-date",
                          "the earlier period the text last named", base=last.start)
        span = dates.span_like(last.precision, dates.add_months(last.start, -12))
        return Result("DATE", dates.span_value(span), span, "previous-date",
                      "a year before the period the text last named", base=last.start)
    if (unknown := no_anchor(ctx, "XXXX")) is not None:
        return unknown
    assert ctx.anchor is not None
    return anchored(dates.year_span(ctx.anchor.year - 1), ctx, "the year before")


def _half(c: Candidate, ctx: Context) -> Result | None:
    half = 1 if c.get("ord").lower() == "first" or c.get("h") == "1" else 2
    year_text = c.get("y") or c.get("y2")
    if year_text:
        span = dates.half_span(int(year_text), half)
        return Result("DATE", dates.span_value(span), span, "absolute", "the text gives it")
    if ctx.anchor is None:
        return unresolved("DATE", f"XXXX-H{half}", "the document has no date")
    return anchored(dates.half_span(ctx.anchor.year, half), ctx, "a half without a year")


def _fiscal(c: Candidate, ctx: Context) -> Result | None:
    text = c.get("y") or c.get("y2")
    year = int(text) if len(text) == 4 else (1900 if int(text) > 50 else 2000) + int(text)
    span = dates.year_span(year)
    # TimeML writes a fiscal year as its calendar year; the span is only approximate.
    return Result("DATE", str(year), replace(span, approximate=True), "absolute",
                  "a fiscal year", dates_event=False)


def _holiday(c: Candidate, ctx: Context) -> Result | None:
    """"Thanksgiving", "Christmas Day 2021", "last Easter": the day in the stated or the
    nearest year."""
    name = " ".join(c.get("h").lower().replace("’", "'").split())
    rule = HOLIDAYS[name]
    if c.get("y"):
        span = dates.day_span(dates.holiday(rule, int(c.get("y"))))
        return Result("DATE", dates.span_value(span), span, "absolute", f"{name} in that year")
    if ctx.anchor is None:
        value = f"XXXX-{rule}" if rule[:2].isdigit() else "XXXX-XX-XX"
        return unresolved("DATE", value, "no year, and the document has no date")
    anchor, rel = ctx.anchor, c.get("rel").lower()
    days = [dates.holiday(rule, y) for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if rel == "last":
        day = max(d for d in days if d < anchor)
    elif rel == "next":
        day = min(d for d in days if d > anchor)
    else:
        found = pick_year(lambda y: dates.day_span(dates.holiday(rule, y)), anchor,
                          year_tense(ctx.text, c.start, c.end))
        assert found is not None
        day = found.start
    return anchored(dates.day_span(day), ctx, f"{name}, the {rel or 'nearest'} one")


def _spelled_year(c: Candidate, ctx: Context) -> Result | None:
    """"nineteen ninety-six", "the year two thousand" (broadcast transcripts)."""
    year = spelled_year(c.get("sy") or c.get("sy2"))
    if year is None:
        return None
    span = dates.year_span(year)
    return Result("DATE", dates.span_value(span), span, "absolute", "the text gives the year")


def _foreign_date(c: Candidate, ctx: Context) -> Result | None:
    """A full date in another language ("1er février 2026"): the day it names."""
    year, month, number = int(c.get("y")), FOREIGN_MONTHS[c.get("fm").lower()], int(c.get("d"))
    if not valid_date(year, month, number):
        return invalid("DATE", f"'{ctx.text[c.start:c.end]}' is not a valid date")
    span = dates.day_span(date(year, month, number))
    return Result("DATE", dates.span_value(span), span, "absolute", "the text gives the full date")


RESOLVERS = {
    "iso": _calendar_date, "numeric": _calendar_date, "dmy": _calendar_date,
    "foreign_dmy": _foreign_date,
    "mdy": _calendar_date, "month_or": _month_or, "month_year": _month_year,
    "decade": _decade, "century": _century, "season": _season, "quarter": _quarter, "half": _half,
    "fiscal": _fiscal, "month": _month, "year": _year, "year_ago": _year_ago,
    "holiday": _holiday, "spelled_year": _spelled_year,
}
