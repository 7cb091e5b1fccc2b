"""Resolvers for expressions relative to the published day or an earlier date in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from timeline import dates
from timeline.anchors import (
    Context,
    Result,
    anchored,
    moved_to,
    no_anchor,
    pick_year,
    tense_near,
    unresolved,
    valid_date,
    weekday_date,
    year_tense,
)
from timeline.lexicon import MONTHS, WEEKDAYS, number_value, unit_code
from timeline.model import DateSpan, Precision, ResolvedBy
from timeline.patterns import Candidate
from timeline.resolve_lengths import duration_value, length_before


def _clock(c: Candidate) -> str:
    """"5 p.m." -> "T17:00"; noon and midnight too."""
    if c.get("noon"):
        return "T00:00" if c.get("noon").lower() == "midnight" else "T12:00"
    hour = int(c.get("h") or c.get("h2"))
    minute = int(c.get("mi") or c.get("mi2") or 0)
    ampm = c.get("ap").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    return f"T{hour:02d}:{minute:02d}"


def _time_day(c: Candidate, ctx: Context) -> tuple[date, str] | None:
    """The day a time of day is on: the one it names ("5 p.m. Friday"), else a day named
    just before in the same passage, else the published day."""
    assert ctx.anchor is not None
    word = c.get("day").lower()
    if word in WEEKDAYS:
        return _weekday_day(WEEKDAYS[word], "", ctx, c.start, c.end)
    if word in _DEICTIC_DAYS:
        day = ctx.anchor + timedelta(days=_DEICTIC_DAYS[word])
        return day, f"'{word}', counted from {ctx.anchor.isoformat()}"
    if c.get("m"):
        month, number = MONTHS[c.get("m").lower().rstrip(".")], int(re.sub(r"\D", "", c.get("d")))
        if not valid_date(2000, month, number):
            return None
        found = pick_year(lambda y: dates.day_span(date(y, month, min(number, dates.last_day(
            y, month)))), ctx.anchor, year_tense(ctx.text, c.start, c.end))
        return (found.start, "the nearest such day") if found else None
    days = [s for s in ctx.recent if s.precision == Precision.DAY]
    if days:
        return days[-1].start, "the day named just before"
    return ctx.anchor, "the published day"


def _time(c: Candidate, ctx: Context) -> Result | None:
    clock = _clock(c)
    if ctx.anchor is None or not ctx.exact:
        return Result("TIME", f"XXXX-XX-XX{clock}", None, "unresolved", "a time of day",
                      dates_event=False)
    found = _time_day(c, ctx)
    if found is None:
        return replace(unresolved("TIME", f"XXXX-XX-XX{clock}", "not a valid day"),
                       dates_event=False)
    day, how = found
    named = bool(c.get("day"))
    return Result("TIME", f"{day.isoformat()}{clock}", dates.day_span(day) if named else None,
                  "published-date", f"a time of day on {how}", dates_event=named,
                  planned=named and day > ctx.anchor)


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""calendar.day_name in the C locale, which timeline never changes (and much faster)."""


def _weekday_day(weekday: int, rel: str, ctx: Context, start: int, end: int) -> tuple[date, str]:
    """The day a weekday names, seen from the published day, and how it was chosen."""
    assert ctx.anchor is not None
    if rel in ("last", "past"):
        direction = "last"
    elif rel in ("next", "coming"):
        direction = "next"
    elif weekday == ctx.anchor.weekday():
        direction = "same"  # "said Thursday" in Thursday's paper: that day, whatever the tense
    else:
        direction = "future" if moved_to(ctx.text, start) or \
            tense_near(ctx.text, start, end) == "future" else "past"
    day = weekday_date(weekday, ctx.anchor, "past" if direction == "same" else direction)
    name = _DAY_NAMES[weekday]
    how = {"last": f"the last {name} before", "next": f"the next {name} after",
           "future": f"the next {name} after", "past": f"the last {name} on or before",
           "same": "the same weekday as"}[direction]
    return day, f"{how} {ctx.anchor.isoformat()}"


def _weekday(c: Candidate, ctx: Context) -> Result | None:
    weekday = WEEKDAYS[c.get("wd").lower()]
    part = c.get("part").lower()
    suffix = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
              "overnight": "NI"}.get(part, "")
    rel = c.get("rel").lower().split()[-1] if c.get("rel") else ""
    if rel in ("following", "preceding", "previous"):
        # "the following Monday": the Monday after the date the text gave last
        earlier = ctx.base(Precision.DAY)
        if earlier is None:
            return unresolved("TIME" if suffix else "DATE", f"XXXX-WXX-{weekday + 1}",
                              "relative to an earlier date in the text, and there is none "
                              "precise enough")
        after = rel == "following"
        day = weekday_date(weekday, earlier.start, "next" if after else "last")
        return Result("DATE", day.isoformat(), dates.day_span(day), "previous-date",
                      f"the {_DAY_NAMES[weekday]} {'after' if after else 'before'} "
                      f"{earlier.start.isoformat()}, the previous date in the text",
                      planned=ctx.anchor is not None and day > ctx.anchor, base=earlier.start)
    if ctx.anchor is None or not ctx.exact:
        why = "the document has no date" if ctx.anchor is None else (
            "the document's date is only inferred, not known to the day")
        return unresolved("TIME" if suffix else "DATE", f"XXXX-WXX-{weekday + 1}", why)
    if c.get("wrel"):  # "on Tuesday last week", "on Thursday next week"
        shift = {"last": -7, "next": 7}.get(c.get("wrel").lower(), 0)
        day = ctx.anchor + timedelta(days=weekday - ctx.anchor.weekday() + shift)
        return Result("DATE", day.isoformat(), dates.day_span(day), "published-date",
                      f"the {_DAY_NAMES[weekday]} of {c.get('wrel').lower()} week, counted "
                      f"from {ctx.anchor.isoformat()}", planned=day > ctx.anchor)
    if c.get("wk"):  # "on Sunday week": a week after the coming Sunday
        day = weekday_date(weekday, ctx.anchor, "next") + timedelta(days=7)
        return Result("DATE", day.isoformat(), dates.day_span(day), "published-date",
                      f"a week after the next {_DAY_NAMES[weekday]} after "
                      f"{ctx.anchor.isoformat()}", planned=True)
    day, how = _weekday_day(weekday, rel, ctx, c.start, c.end)
    # "Friday evening" is 2005-01-07TEV; "Friday night" and "Friday morning" keep the day's
    # value, as TimeBank mostly writes them (the night and morning of a news day).
    if suffix != "EV":
        suffix = ""
    return Result("TIME" if suffix else "DATE",
                  f"{day.isoformat()}T{suffix}" if suffix else day.isoformat(),
                  dates.day_span(day), "published-date", how, planned=day > ctx.anchor)


_DEICTIC_DAYS = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0,
                 "tomorrow": 1, "the day after tomorrow": 2}
_REFS = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
         "these days": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
         "the present": "PRESENT_REF", "recently": "PAST_REF", "the past": "PAST_REF",
         "the future": "FUTURE_REF", "current": "PRESENT_REF", "soon": "FUTURE_REF",
         "as soon as possible": "FUTURE_REF"}


def _deictic(c: Candidate, ctx: Context) -> Result | None:
    word = " ".join(c.get("w").lower().split())
    if word in _REFS:
        return Result("DATE", _REFS[word], None, "published-date" if ctx.anchor else
                       "unresolved", "a reference to the present, past or future",
                       dates_event=False)
    if ctx.anchor is None or not ctx.exact:
        return unresolved("DATE", "XXXX-XX-XX", "relative to a document date we do not know")
    day = ctx.anchor + timedelta(days=_DEICTIC_DAYS[word])
    part = c.get("part").lower() or ("night" if word == "tonight" else "")
    suffix = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
              "overnight": "NI"}.get(part, "")
    value = f"{day.isoformat()}T{suffix}" if suffix else day.isoformat()
    return anchored(dates.day_span(day), ctx, f"'{word}'", "TIME" if suffix else "DATE",
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
        return dates.century_span(day.year // 100 * 100)
    return dates.year_span(day.year)


def _step(unit: str, day: date, count: int) -> date:
    if unit in ("week", "weekend"):
        return day + timedelta(weeks=count)
    months = {"month": 1, "quarter": 3, "decade": 120, "century": 1200}.get(unit, 12)
    return dates.add_months(day, months * count)  # 29 February steps to the 28th


def _rel_unit(c: Candidate, ctx: Context) -> Result | None:
    unit = c.get("u").lower()
    rel = " ".join(c.get("rel").lower().split())
    pre = c.get("pre").lower()
    if c.get("the") and rel in ("past", "last", "previous") and not pre:
        # "the past year" is a duration in TimeML (P1Y), not a calendar year.
        value = "P3M" if unit == "season" else duration_value(1, unit_code(unit), unit)
        return Result("DURATION", value, None, "absolute", "a length of time",
                      dates_event=False)
    if (unknown := no_anchor(ctx, "XXXX")) is not None:
        return unknown
    assert ctx.anchor is not None
    if unit == "season":
        return Result("DATE", "PRESENT_REF", None, "published-date", "this season",
                       dates_event=False)
    offset = {"last": -1, "past": -1, "previous": -1, "prior": -1, "this past": -1, "next": 1,
              "coming": 1, "following": 1}.get(rel, 0)
    how: ResolvedBy
    earlier = ctx.base(_unit_span(unit, ctx.anchor).precision)
    if rel in ("same", "that") and earlier is None:
        # "that month" points back: to the date the text gave last, even one coarser than
        # a month ("In 2019, ... That month, ...": some month of 2019), else to nothing
        if ctx.last is None:
            return unresolved("DATE", "XXXX", f"'{rel} {unit}' points back to a date, and the "
                              "text gave none before")
        return Result("DATE", dates.span_value(ctx.last), ctx.last, "previous-date",
                      f"'{rel} {unit}' of {dates.span_label(ctx.last)}, the date the text gave "
                      "last", base=ctx.last.start)
    if rel in ("following", "same", "that") and earlier is not None:
        base, how = earlier.start, "previous-date"
    else:
        base, how = ctx.anchor, "published-date"
    span = _unit_span(unit, _step(unit, base, offset))
    if unit == "weekend" and offset == 1 and how == "published-date" and \
            ctx.anchor.weekday() < 5:
        # "next weekend" on a weekday: the coming one, or the one after (English has both)
        saturday = weekday_date(5, ctx.anchor, "next")
        span = DateSpan(saturday, saturday + timedelta(days=8), Precision.WEEK, True)
    if pre == "earlier":
        span = DateSpan(span.start, min(span.end, base), span.precision, True)
    elif pre == "later":
        span = DateSpan(max(span.start, base), span.end, span.precision, True)
    note = f"'{rel} {unit}' counted from {base.isoformat()}"
    value = dates.span_value(_unit_span(unit, _step(unit, base, offset)))
    if unit == "weekend":
        value = value + "-WE"
    return Result("DATE", value, span, how, note, planned=bool(pre == "later") or
                  span.start > ctx.anchor, base=base if how == "previous-date" else None)


def _edge(c: Candidate, ctx: Context) -> Result | None:
    if (unknown := no_anchor(ctx, "XXXX")) is not None:
        return unknown
    assert ctx.anchor is not None
    unit = c.get("u").lower()
    text = ctx.text[c.start:c.end].lower()
    offset = -1 if " last " in f" {text} " else 1 if " next " in f" {text} " else 0
    base = ctx.anchor
    if " the " in f" {text.split(' of ', 1)[-1]} " and tense_near(ctx.text, c.start, c.end) \
            != "future":
        # "By the end of the month, fighting had stopped" after "on 3 May 2019": that month
        needed = _unit_span(unit, ctx.anchor).precision
        nearby = [s for s in ctx.recent if s.precision >= needed]
        if nearby:
            base = nearby[-1].start
    span = _unit_span(unit, _step(unit, base, offset))
    edge = c.get("edge").lower()
    modifier = {"beginning": "early", "start": "early", "end": "late", "middle": "mid",
                "turn": "early"}[edge]
    moved = dates.with_modifier(span, modifier)
    if year_tense(ctx.text, c.start, c.end) == "past!" and (
            moved.start > ctx.anchor or (modifier == "late" and moved.end > ctx.anchor)):
        # "Fighting stopped at the end of the month" in a paper of 3 September: August's
        span = _unit_span(unit, _step(unit, base, offset - 1))
    value = dates.span_value(span)
    span = dates.with_modifier(span, modifier)
    since = bool(re.search(r"\bsince\s+$", ctx.text[max(0, c.start - 8):c.start], re.I))
    return anchored(span, ctx, f"the {edge} of the {unit}", value=value,
                     dates_event=not since)


_UNIT_PRECISION = {"D": Precision.DAY, "W": Precision.WEEK, "M": Precision.MONTH,
                   "Y": Precision.YEAR, "DE": Precision.DECADE}


def _ago_base(ctx: Context, unit: str, whole: int, direction: str) -> DateSpan | None:
    """What "N units earlier/later" counts from: the last date in this or the previous
    sentence, else the last day the text gave. "A year ago/earlier" in a comparison ("X in
    the third quarter, Y a year ago") counts from the period compared: the last date finer
    than a year and coarser than a day nearby, else the quarter the text last named."""
    needed = _UNIT_PRECISION[unit]
    if (unit, abs(whole)) == ("Y", 1):
        periods = [s for s in ctx.recent if Precision.YEAR < s.precision < Precision.DAY]
        if periods:
            return periods[-1]
        if ctx.quarter is not None:
            return ctx.quarter
    if direction == "ago":
        return None
    for base in ((ctx.recent[-1],) if ctx.recent else ()) + ((ctx.previous,) if ctx.previous
                                                            else ()):
        if base.precision >= needed:
            return base
    return None


def _ago(c: Candidate, ctx: Context) -> Result | None:
    count = number_value(c.get("n"))
    unit = unit_code(c.get("u"))
    if unit == "FN":  # a fortnight: two weeks
        unit, count = "W", None if count is None else 2 * count
    if c.get("rel"):  # "two years after the war": a length of time measured from a happening
        return length_before(c.get("u").lower(), c.get("rel").lower(), c.get("n").lower())
    direction = c.get("dir").lower()
    if count is None or unit not in ("D", "W", "M", "Y", "DE"):
        return None
    whole = int(count) if count >= 1 else 1
    if direction in ("ago", "earlier", "before", "previously"):
        whole = -whole
    how: ResolvedBy
    base_span = _ago_base(ctx, unit, whole, direction)
    if base_span is not None:
        base, how = base_span.start, "previous-date"
    elif direction != "ago":
        return unresolved("DATE", "XXXX-XX-XX", "relative to an earlier date in the text, "
                          "and there is none precise enough")
    else:
        if (unknown := no_anchor(ctx, "XXXX-XX-XX")) is not None:
            return unknown
        assert ctx.anchor is not None
        base, how = ctx.anchor, "published-date"
    name = {"D": "day", "W": "week", "M": "month", "Y": "year", "DE": "decade"}[unit]
    day = base + timedelta(days=whole) if unit == "D" else _step(name, base, whole)
    vague = c.get("n").lower() in ("several", "a few", "few", "many", "a couple of") or bool(
        c.get("about"))
    precision = _UNIT_PRECISION[unit]
    if base_span is not None and abs(whole) == 1 and unit == "Y":
        precision = base_span.precision  # "a year earlier" than a quarter is a quarter
    span = replace(dates.span_like(precision, day), approximate=vague)
    note = f"{c.get('n')} {name}(s) {direction}, counted from {base.isoformat()}"
    return Result("DATE", dates.span_value(span), span, how, note,
                  planned=ctx.anchor is not None and span.start > ctx.anchor,
                  base=base if how == "previous-date" else None)


def _anchored_unit(c: Candidate, ctx: Context) -> Result | None:
    if c.get("conj"):
        # "last seen Nov. 3, the day before police issued a warrant": the day just named;
        # without a date just before, "the day before <something>" cannot be dated.
        if ctx.previous is None or not re.search(r"\d\w*,\s*$", ctx.text[:c.start]):
            return None
        return Result("DATE", dates.span_value(ctx.previous), ctx.previous, "previous-date",
                      "the day just named, before or after a happening",
                      base=ctx.previous.start)
    rel = (c.get("rel") or c.get("dir") or c.get("that")).lower()
    unit = (c.get("u") or c.get("u2") or "day").lower()
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "day"
    needed = Precision.DAY if unit == "day" else _unit_span(unit, date(2000, 1, 1)).precision
    earlier = ctx.base(needed)
    if earlier is None:
        return unresolved("DATE", "XXXX-XX-XX", "relative to an earlier date in the text, and "
                          "there is none precise enough")
    base = earlier.start
    offset = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1,
              "prior": -1, "before": -1}.get(rel, 0)
    if unit == "day":
        span = dates.day_span(base + timedelta(days=offset))
    else:
        span = _unit_span(unit, _step(unit, base, offset))
    return Result("DATE", dates.span_value(span), span, "previous-date",
                  f"'{ctx.text[c.start:c.end]}' counted from {base.isoformat()}, the "
                  "previous date in the text", base=base)


def _the_year(c: Candidate, ctx: Context) -> Result | None:
    """"the year", "the full year", "the current fiscal year": the published year; "the
    latest fiscal year" the one before; "the year ended March 31" a twelve-month period."""
    if re.match(r"\s+(?:ended|ending|to)\b", ctx.text[c.end:]):
        return Result("DURATION", "P1Y", None, "absolute", "a twelve-month period",
                      dates_event=False)
    if (unknown := no_anchor(ctx, "XXXX")) is not None:
        return unknown
    assert ctx.anchor is not None
    latest = c.get("q").lower().startswith("latest")
    span = dates.year_span(ctx.anchor.year - (1 if latest else 0))
    return anchored(span, ctx, "the year of publication" if not latest else "the last year")


def _weekend(c: Candidate, ctx: Context) -> Result | None:
    """"the weekend": the last one (on or before the published day), or the next one."""
    if (unknown := no_anchor(ctx, "XXXX-WXX-WE")) is not None:
        return unknown
    assert ctx.anchor is not None
    future = tense_near(ctx.text, c.start, c.end) == "future"
    saturday = weekday_date(5, ctx.anchor, "next" if future else "past")
    if not future and ctx.anchor.weekday() == 6:
        saturday = ctx.anchor - timedelta(days=1)
    span = DateSpan(saturday, saturday + timedelta(days=1), Precision.DAY)
    year, week, _ = saturday.isocalendar()
    return anchored(span, ctx, f"the {'next' if future else 'last'} weekend", dates_event=False,
                    value=f"{year}-W{week:02d}-WE")


def _day_part(c: Candidate, ctx: Context) -> Result | None:
    """"this morning", "last night", "tomorrow evening": a part of a day (TIMEX3 TMO...)."""
    part = c.get("part").lower()
    suffix = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
              "overnight": "NI"}[part]
    if ctx.anchor is None or not ctx.exact:
        return unresolved("TIME", f"XXXX-XX-XXT{suffix}", "relative to a document date we do "
                          "not know")
    rel = c.get("rel").lower()
    offset = {"last": -1 if part in ("night", "evening") else 0, "yesterday": -1,
              "tomorrow": 1}.get(rel, 0)
    day = ctx.anchor + timedelta(days=offset)
    return anchored(dates.day_span(day), ctx, f"'{rel} {part}'", "TIME",
                    f"{day.isoformat()}T{suffix}")


RESOLVERS = {
    "time": _time, "weekday": _weekday, "deictic": _deictic, "rel_unit": _rel_unit,
    "edge": _edge, "ago": _ago, "anchored": _anchored_unit, "the_year": _the_year,
    "weekend": _weekend, "day_part": _day_part,
}
