"""What every time-expression resolver shares: settings, context, result, calendar helpers.

The only module that imports dateparser. dateparser sees only the spans our patterns
found (never whole sentences), always with a fixed base date and explicit languages, and
its answers are memoised; the calendar reasoning (which year, which Sunday) is ours.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from timeline import dates
from timeline.config import DateConfig
from timeline.lexicon import FUTURE_CUES, PAST_CUES, REPORTING_VERBS
from timeline.model import DateSpan, Precision, ResolvedBy, TimexType
from timeline.regex_starts import Scanner

_FIXED_BASE = datetime(2000, 6, 15)  # a leap year, so "29 February" parses without a year


@dataclass(frozen=True, slots=True)
class Settings:
    """What time-expression resolution depends on, besides the text."""

    languages: tuple[str, ...] = ("en",)
    date_order: str = "DMY"
    order_from: str = field(default="", compare=False)
    """Why ``date_order`` is not the configured one, when a document's own dates say so
    (for notes only: not compared, so that memoised parses are shared across documents)."""

    @classmethod
    def from_config(cls, config: DateConfig) -> Settings:
        """Build from the ``[dates]`` table."""
        return cls(languages=config.languages, date_order=config.date_order)


@dataclass(frozen=True, slots=True)
class Context:
    """What a resolver may look at besides its own candidate."""

    text: str
    """The sentence."""
    anchor: date | None
    """The published date, when known."""
    exact: bool
    """True when the published date is known to the day (not inferred)."""
    previous: DateSpan | None
    """The last day-precise date before the candidate ("two days later" counts from it)."""
    settings: Settings
    """Languages and date order."""
    recent: tuple[DateSpan, ...] = ()
    """Dates of any precision in this sentence before the candidate and in the previous
    one, oldest first ("a year earlier" shifts the last of them)."""
    quarter: DateSpan | None = None
    """The last quarter the document named ("the quarter", "the year-ago period")."""
    last: DateSpan | None = None
    """The last date of any precision before the candidate ("later that year")."""

    def base(self, needed: Precision) -> DateSpan | None:
        """The latest earlier date at least as precise as ``needed``, if any."""
        for span in (self.last, self.previous):
            if span is not None and span.precision >= needed:
                return span
        return None


@dataclass(frozen=True, slots=True)
class Result:
    timex_type: TimexType
    value: str
    span: DateSpan | None = None
    resolved_by: ResolvedBy = "absolute"
    note: str = ""
    planned: bool = False
    dates_event: bool = True
    base: date | None = None
    """For "previous-date": the earlier date it was counted from."""


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

_CUES = Scanner([FUTURE_CUES, PAST_CUES], r"\b", 7)


@functools.lru_cache(maxsize=256)
def _cues(text: str) -> tuple[tuple[str, int, int], ...]:
    """(tense, start, end) of a sentence's verb cues: the future ones first, each tense in
    the order of the text. Memoised, as a sentence often has several expressions to date."""
    found = _CUES.matches(text)
    return tuple((tense, match.start(), match.end()) for order, tense in enumerate(
        ("future", "past")) for cue, match in found if cue == order
        and not (order == 1 and _PASSIVE_BE.search(text, max(0, match.start() - 7),
                                                   match.start())))


_PASSIVE_BE = re.compile(r"\b(?:be|being|is|are)\s+$", re.IGNORECASE)
"""Before a participle, what makes it no past ("will be held", "is being signed")."""


_UNTIL = re.compile(r"\b(?:until|till)\s+(?:(?:the|early|late|mid-?|next|this|last)\s+)?$",
                    re.IGNORECASE)
_DEADLINE = re.compile(r"\s+to\s+[a-z]", re.IGNORECASE)
_PAST_AUXILIARIES = frozenset({"had", "was", "were", "did"})
_PRESENT_STATE = re.compile(r"\b(?:is|are|remains?|stays?)\s+(?:still\s+)?$", re.IGNORECASE)
"""Before a participle, a state that holds now ("is closed until Friday": ahead)."""
_DEFERRAL = re.compile(r"(?:postpon|delay|defer|extend|adjourn|suspend)", re.IGNORECASE)
"""Past verbs that move a date ahead ("postponed until Tuesday", "extended until Friday")."""
_MOVED_TO = re.compile(
    r"\b(?:(?:postpon|delay|defer|mov|shift|extend|adjourn)\w*|(?:push|put)\w*\s+(?:back|off)"
    r"|(?:brought|bring\w*)\s+forward)(?:\s+[\w'’-]+){0,4}?\s+(?:to|until|till)\s+"
    r"(?:(?:the|early|late|mid-?|next|this)\s+)?$|\breschedul\w*(?:\s+[\w'’-]+){0,4}?\s+"
    r"(?:to|for|until|till)\s+(?:(?:the|early|late|mid-?|next|this)\s+)?$", re.IGNORECASE)
"""A verb that moves something to the date right after it ("postponed the vote to Friday",
"brought forward to Saturday", "rescheduled for Monday"): the new date, which is ahead.
("pushed the match back to Friday" puts the object first: that order is not read.)"""


def moved_to(text: str, start: int) -> bool:
    """Whether the date at ``start`` is one something is moved to ("postponed the vote to
    Friday"): for a weekday, the next one. (For "10 March" the year stays the tense's: the
    move may have been decided months before the paper.)"""
    return _MOVED_TO.search(text, max(0, start - 64), start) is not None


def tense_near(text: str, start: int, end: int) -> str | None:
    """'future' or 'past' from the nearest verb cue outside the expression, else None; for
    an end point ("until Friday"), the tense of the verb it ends (see _until_tense)."""
    until = _UNTIL.search(text, max(0, start - 24), start)
    if until is not None:
        return _until_tense(text, until.start(), end)
    best: tuple[int, str] | None = None
    for kind, cue_start, cue_end in _cues(text):
        if cue_start < end and start < cue_end:
            continue
        # English puts the verb before its time adverbial ("will meet on Friday", "said
        # Friday"), so a cue after the expression counts as twice as far.
        distance = start - cue_end if cue_end <= start else 2 * (cue_start - end) + 10
        distance += 0 if kind == "future" else 1
        if best is None or distance < best[0]:
            best = (distance, kind)
    return best[1] if best else None


def _until_tense(text: str, at: int, end: int) -> str:
    """The tense of a date that ends something ("until" at ``at``, the date ending at
    ``end``): that of the verb it ends.

    A future verb before it in its clause makes it ahead ("would stay closed until
    Friday"), as does a past one that puts it off ("postponed until Tuesday"); another past
    one, behind ("stayed until Friday"), unless it says a state that holds now ("is closed
    until Friday"). A clause of reported speech starts after its verb ("said the shops may
    stay open until Sunday" has none). A deadline ("until Friday to settle") and a date
    that ends nothing said in a tense ("continues until Sunday", "has until Tuesday") are
    ahead. An opening "Until Thursday," takes the main clause's auxiliary ("the police had
    not ...")."""
    since = max((m.end() for m in REPORTING_VERBS.finditer(text, 0, at)), default=0)
    before = [(kind, text[cue_start:cue_end]) for kind, cue_start, cue_end in _cues(text)
              if since <= cue_start and cue_end <= at
              and not _PRESENT_STATE.search(text, max(0, cue_start - 24), cue_start)]
    if any(kind == "future" for kind, _ in before) or _DEADLINE.match(text, end) or (
            before and _DEFERRAL.match(before[-1][1])):
        return "future"
    if before:
        return "past"
    if not text[:at].strip(" \"“‘'-–—"):
        after = sorted((cue_start, text[cue_start:cue_end].lower())
                       for _, cue_start, cue_end in _cues(text) if cue_start >= end)
        if after and after[0][1] in _PAST_AUXILIARIES:
            return "past"
    return "future"


_SINCE = re.compile(r"\bsince\s+(?:(?:the|early|late|mid-?)\s*)?$", re.IGNORECASE)


def year_tense(text: str, start: int, end: int) -> str | None:
    """What decides the year of a date written without one: "since" right before it (the
    date is then on or before the published day, however near the next one is: "since
    March" in a January paper is last March), else the tense near it (tense_near)."""
    if _SINCE.search(text, max(0, start - 20), start):
        return "since"
    tense = tense_near(text, start, end)
    if tense == "past" and any(kind == "past" and _RIGHT_BEFORE.fullmatch(text, cue_end, start)
                               for kind, _, cue_end in _cues(text)):
        return "past!"  # a past verb right before: "closed in December", "withdrew on 25 May"
    if tense == "past" and _OPENS.fullmatch(text, 0, start):
        comma = _THEN_CLAUSE.match(text, end)
        if comma is not None and any(kind == "past" for kind, cue_start, _ in _cues(text)
                                     if comma.end() <= cue_start < comma.end() + 40) and \
                not any(kind == "future" for kind, _, _ in _cues(text)):
            return "past!"  # "In December, the expo closed"
    return tense


def year_note(tense: str | None) -> str:
    """How pick_year chose, in words, for ``tense`` as year_tense gives it."""
    return "the latest year up to publication (after 'since')" if tense == "since" \
        else "the nearest year"


_NEAR_DAYS = 92
_RIGHT_BEFORE = re.compile(r"\s+(?:(?:in|on|during|at|over|throughout|by|until|till)\s+)?"
                           r"(?:(?:the|early|late|mid-?)\s+)?", re.IGNORECASE)
"""Between a past verb and the date it governs ("closed in December")."""
_OPENS = re.compile(r"\W*(?:(?:in|on|during|at|over|throughout|by|late|early)\s+)?"
                    r"(?:(?:the|early|late|mid-?)\s+)?", re.IGNORECASE)
_THEN_CLAUSE = re.compile(r"\s*,\s*")

_FRAMED = re.compile(
    r"(?:^\W*(?i:in)\s+(?P<y1>1\d{3}|20\d\d)\s*,|\b(?P<y2>1\d{3}|20\d\d)\b[^;.]*?,\s*"
    r"(?i:which|when|where)\b)[^;]*$")


def framing_year(text: str, start: int) -> int | None:
    """The year a sentence sets for a date it writes without one, at ``start``: "In 2019,
    the firm was sold in June", "sales fell in fiscal 2024, which ended in June"."""
    found = _FRAMED.search(text, 0, start)
    return int(found["y1"] or found["y2"]) if found else None


def pick_year(make: Any, anchor: date, tense: str | None) -> DateSpan | None:
    """Choose the year for a date written without one, relative to the anchor.

    After "since" (tense "since"), the latest occurrence that starts on or before the
    anchor. Otherwise an occurrence within about three months of the anchor wins ("Jan.
    14" in a paper of 7 January is a week ahead, even in a past-tense sentence); further
    away, the tense of the sentence decides ("Oct. 23" in a May paper, past tense, is last
    October), and without a tense the nearest occurrence. A past verb right before the
    date (tense "past!": "closed in December", "withdrew on 25 September") never takes one
    after the anchor: tense cues found further away are too often wrong for that (TempEval-3
    has "testify ... on Feb. 10" after "subpoenaed"), this one is not.
    """
    spans: list[DateSpan] = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            spans.append(make(year))
        except ValueError:
            continue
    if not spans:
        return None

    def distance(span: DateSpan) -> int:
        if span.start <= anchor <= span.end:
            return 0
        return (span.start - anchor).days if span.start > anchor else (anchor - span.end).days

    nearest = min(spans, key=lambda s: (distance(s), s.start > anchor))
    if tense == "since":
        begun = [s for s in spans if s.start <= anchor]
        return begun[-1] if begun else nearest
    if distance(nearest) <= _NEAR_DAYS and not (tense == "past!" and nearest.start > anchor):
        return nearest
    if tense in ("past", "past!"):
        past = [s for s in spans if s.start <= anchor]
        return past[-1] if past else nearest
    if tense == "future":
        future = [s for s in spans if s.end >= anchor]
        return future[0] if future else nearest
    return nearest


def weekday_date(weekday: int, anchor: date, direction: str) -> date:
    """The weekday on or before ('past'), strictly before ('last') or after ('next')."""
    if direction in ("next", "future"):
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    if direction == "last":
        return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def unresolved(timex_type: TimexType, value: str, why: str) -> Result:
    return Result(timex_type, value, None, "unresolved", why)


def invalid(timex_type: TimexType, why: str) -> Result:
    """A date the calendar does not have ("February 30, 2024"): unresolved, and no
    happening's date, not even an unknown one."""
    return Result(timex_type, "XXXX-XX-XX", None, "unresolved", why, dates_event=False)


def no_anchor(ctx: Context, value_if_unknown: str) -> Result | None:
    """The result to use when a relative expression has nothing to anchor to."""
    if ctx.anchor is None:
        return unresolved("DATE", value_if_unknown, "relative, and the document has no date")
    return None


def is_planned(span: DateSpan, ctx: Context) -> bool:
    return ctx.anchor is not None and span.start > ctx.anchor


def anchored(span: DateSpan, ctx: Context, note: str, timex: TimexType = "DATE",
              value: str | None = None, **extra: Any) -> Result:
    assert ctx.anchor is not None
    return Result(timex, value or dates.span_value(span), span, "published-date",
                   f"{note}, counted from {ctx.anchor.isoformat()}",
                   planned=extra.pop("planned", is_planned(span, ctx)), **extra)


def valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
