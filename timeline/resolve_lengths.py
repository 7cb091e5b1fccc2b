"""Resolvers for lengths of time and repeating times: TimeML DURATION and SET, never events."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from timeline import dates
from timeline.anchors import (
    Context,
    Result,
    no_anchor,
)
from timeline.lexicon import MONTHS, WEEKDAYS, number_value, unit_code
from timeline.model import DateSpan, Precision
from timeline.patterns import Candidate


def _set(c: Candidate, ctx: Context) -> Result | None:
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
    return Result("SET", value, None, "absolute", "a repeating time", dates_event=False)


_VAGUE = ("several", "a few", "few", "many", "some")
_SCALE = {"WE": (1, "W"), "FN": (2, "W"), "DE": (10, "Y"), "CE": (100, "Y"), "ML": (1000, "Y"),
          "Q": (3, "M")}


def duration_value(count: float | None, code: str, unit_word: str) -> str:
    """The TIMEX3 value of a length: P3Y, PT2H, P10Y for a decade, PXM when vague."""
    scale, code = _SCALE.get(code, (1, code))
    time_unit = code in ("H", "S") or (code == "M" and unit_word.lower().startswith("min"))
    prefix = "PT" if time_unit else "P"
    if count is None:
        return f"{prefix}X{code}"
    amount = count * scale
    if float(amount).is_integer():
        return f"{prefix}{int(amount)}{code}"
    smaller = {"Y": (12, "M"), "H": (60, "M"), "D": (24, "H")}.get(code)
    rest = round((amount % 1) * smaller[0]) if smaller else 0
    if smaller and rest:  # "2 1/2 years" is P2Y6M, "5 1/2 hours" PT5H30M
        middle = "T" if code == "D" else ""
        return f"{prefix}{int(amount)}{code}{middle}{rest}{smaller[1]}"
    return f"{prefix}{amount:g}{code}"


def _duration(c: Candidate, ctx: Context) -> Result | None:
    if (c.get("long") or "").lower() == "-old":
        return None  # "a 44-year-old man": an age, not a period of time
    count_text = c.get("n").lower()
    if count_text.startswith(("more than ", "nearly ")):
        count_text = count_text.split()[-1]
    count = None if count_text in _VAGUE else number_value(count_text)
    if count_text == "one" and c.get("u").lower() == "day" and re.search(
            r"\b(?:will|would|could|might|may|can|hope|hopes|hoped|he|she|they|we|I)\s+$",
            ctx.text[max(0, c.start - 8):c.start]):
        # "Islam will one day be ...": some day in the future, not a length of time
        return Result("DATE", "FUTURE_REF", None, "published-date" if ctx.anchor else
                      "unresolved", "some day in the future", dates_event=False)
    value = duration_value(count, unit_code(c.get("u")), c.get("u"))
    return Result("DURATION", value, None, "absolute", "a length of time", dates_event=False)


def _vague_future(c: Candidate, ctx: Context) -> Result | None:
    unit = (c.get("u") or c.get("u2") or c.get("u3") or "months").lower()
    if (unknown := no_anchor(ctx, "FUTURE_REF")) is not None:
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
    if precision in (Precision.MONTH, Precision.YEAR):  # whole months: no made-up days
        start, end = start.replace(day=1), end.replace(day=dates.last_day(end.year, end.month))
    span = DateSpan(start, end, precision, True)
    return Result("DATE", "FUTURE_REF", span, "published-date",
                   f"a vague future period, counted from {ctx.anchor.isoformat()}", planned=True)


def length_before(unit: str, direction: str, count: str = "") -> Result:
    """"weeks before", "two years after": a length of time; a vague one ("weeks", "a few
    days") is linked later by temporal._link_before to the date that follows it."""
    direction = "after" if direction == "after" else "before"
    amount = number_value(count) if count else None
    if count and amount is not None and count not in _VAGUE:
        code = unit_code(unit)
        value = duration_value(amount, code, unit)
        return Result("DURATION", value, None, "absolute", f"a length of time {direction}",
                      dates_event=False)
    unit = unit if unit.endswith("s") else unit + "s"
    code = unit_code(unit)
    return Result("DURATION", f"PX{'W' if code == 'FN' else code}", None, "absolute",
                  f"{unit} {direction}", dates_event=False)


def _before(c: Candidate, ctx: Context) -> Result | None:
    # Resolved later by _link_before, against the date that follows it in the sentence.
    return length_before(c.get("u").lower(), c.get("dir").lower())


def _vague_length(c: Candidate, ctx: Context) -> Result | None:
    """"for years", "in recent months": a length of time of unknown size (PXY, PXM)."""
    code = unit_code(c.get("u"))
    value = {"DE": "PXDE", "H": "PTXH", "M": "PTXM" if c.get("u").startswith("min") else
             "PXM", "FN": "PXW"}.get(code, f"PX{code}")
    if value == "PXDE":
        value = "PXY"  # TimeML writes decades as years
    return Result("DURATION", value, None, "absolute", "a length of time", dates_event=False)


RESOLVERS = {
    "set": _set, "duration": _duration, "vague_future": _vague_future, "before": _before,
    "recent": _vague_length, "units": _vague_length,
}
