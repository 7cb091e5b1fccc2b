"""The values templates get besides the timeline: date labels, the index's years and
sections, the key events, the blocks of a source page, and page-relative URLs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from timeline.dates import iso_bounds, span_label
from timeline.export import salience
from timeline.model import DateSpan, Event, Precision
from timeline.urls import file_link

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
INLINE_MARKUP = re.compile(r"[\n\r\x00!&*<>\[\]\\_`]")
"""Characters that start (or end) inline Markdown; a sentence without any renders as text."""


def date_label(span: DateSpan | None) -> str:
    """"1 Feb 2026", "Dec 2025", "early 2022", or "undated"."""
    return span_label(span) if span is not None else "undated"


def date_attr(span: DateSpan | None) -> str:
    """A valid ``<time datetime>`` value never finer than the text: a year for "early 2022"
    or a half, a month for a month or season, an ISO week for a week."""
    # (a plain function calling a memoised one: templates call plain functions directly,
    # see theme._Context)
    return "" if span is None else _date_attr(span)


@functools.lru_cache(maxsize=65_536)
def _date_attr(span: DateSpan) -> str:
    if span.precision == Precision.DECADE:
        return f"{span.start.year // 10 * 10:04d}"
    if span.precision <= Precision.HALF:
        return f"{span.start.year:04d}"
    if span.precision == Precision.WEEK:
        year, week, _ = span.start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if span.precision < Precision.WEEK:
        return f"{span.start.year:04d}-{span.start.month:02d}"
    return iso_bounds(span)[0]


@dataclass(frozen=True, slots=True)
class Section:
    """Events of one month of a year (or of a coarser date)."""

    label: str
    anchor: str
    events: tuple[Event, ...]

    @property
    def count(self) -> int:
        return len(self.events)


@dataclass(frozen=True, slots=True)
class Year:
    """A year of the index and its sections."""

    label: str
    anchor: str
    sections: tuple[Section, ...]

    @property
    def count(self) -> int:
        return sum(len(s.events) for s in self.sections)


@dataclass(frozen=True, slots=True)
class YearLink:
    """A year (or a month of a split year) in a page's list of them."""

    label: str
    href: str
    """``#y2025`` when its events are on this page, else the URL of its page."""
    count: int
    """How many events it has."""
    here: bool
    """Whether this page is its page."""


@dataclass(frozen=True, slots=True)
class PageLink:
    """One numbered page of a part of the timeline, in its pager."""

    number: int
    href: str
    here: bool


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page stands among the numbered pages of its part (a year, or a month of a
    split year, with more than ``index_limit`` events)."""

    number: int
    """This page's number, from 1."""
    links: tuple[PageLink, ...]
    """Every page of the part, this one included."""
    previous: str | None
    next: str | None
    count: int
    """How many events the whole part has."""


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """A sentence as source.html shows it."""

    index: int
    """1-based (the anchor ``#s<index>``)."""
    line: int
    html: Markup
    events: list[Event]
    """The events citing it."""


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, heading or list item of a source page."""

    heading: bool
    sentences: list[SourceSentence]


def group_events(events: tuple[Event, ...]) -> tuple[Year, ...]:
    """Events by year, then by month (coarser dates first in each year), undated last.

    Sorted events share their spans' objects in runs, so the year and section of an event
    are worked out once per run (the dev server groups tens of thousands on every edit)."""
    years: list[Year] = []
    year = ""
    sections: dict[str, list[Event]] = {}
    bucket: list[Event] = []
    last: object = _NO_SPAN
    for e in events:
        span = e.date
        if span is not last:
            last = span
            label = str(span.start.year) if span is not None else "Undated"
            if label != year:
                if sections:
                    years.append(_year(year, sections))
                year, sections = label, {}
            if span is None:
                key = "Undated"
            elif span.precision >= Precision.MONTH and (span.start.year, span.start.month) \
                    == (span.end.year, span.end.month):
                key = f"{MONTH_NAMES[span.start.month - 1]} {year}"
            else:
                key = f"During {year}" if span.precision >= Precision.HALF else date_label(span)
            found = sections.get(key)
            bucket = found if found is not None else sections.setdefault(key, [])
        bucket.append(e)
    if sections:
        years.append(_year(year, sections))
    return tuple(years)


_NO_SPAN = object()
"""What no event's date is (an event's date may be None)."""


def _year(label: str, sections: dict[str, list[Event]]) -> Year:
    return Year(label, f"y{label}" if label != "Undated" else "undated", tuple(
        Section(name, f"y{label}-{i}", tuple(events))
        for i, (name, events) in enumerate(sections.items())))


def paginate(part: Year, limit: int) -> tuple[Year, ...]:
    """``part`` cut into consecutive pages of at most ``limit`` events (``(part,)`` when it
    has no more), each with its label, anchor and the slices of its sections: a section
    cut in two shows on both pages under its heading."""
    if limit <= 0 or part.count <= limit:
        return (part,)
    pages: list[Year] = []
    shown: list[Section] = []
    room = limit
    for section in part.sections:
        events = section.events
        while events:
            taken, events = events[:room], events[room:]
            shown.append(Section(section.label, section.anchor, taken))
            room -= len(taken)
            if room == 0:
                pages.append(Year(part.label, part.anchor, tuple(shown)))
                shown, room = [], limit
    if shown:
        pages.append(Year(part.label, part.anchor, tuple(shown)))
    return tuple(pages)


def pagers(paths: Sequence[str], url: Callable[[str, str], str], count: int
           ) -> list[Pager | None]:
    """The pager of each of a part's numbered pages (``paths``, as seen from them: pages of
    one part sit at depths that differ, so ``url`` takes the page's own path first); None
    for a part on one page."""
    if len(paths) < 2:
        return [None]
    return [Pager(n, tuple(PageLink(m, url(here, p), p == here)
                           for m, p in enumerate(paths, 1)),
                  url(here, paths[n - 2]) if n > 1 else None,
                  url(here, paths[n]) if n < len(paths) else None, count)
            for n, here in enumerate(paths, 1)]


def part_links(parts: Sequence[Year] | Sequence[Section], here: str,
               pages: Mapping[str, str], url: Callable[[str], str], shown: bool = True
               ) -> list[YearLink]:
    """Years or the months of a year, for a page's list of them: ``pages`` maps each one's
    anchor to the path of its page (the index's own path when the index is not split), and
    ``here`` is the path of the page being made. One whose page this is links to its place
    on it, or, when the page lists its months instead (``shown`` false), to the page."""
    return [YearLink(p.label, f"#{p.anchor}" if pages[p.anchor] == here and shown
                     else url(pages[p.anchor]), p.count, pages[p.anchor] == here)
            for p in parts]


def select_key_events(events: tuple[Event, ...], minimum: int,
                      counts: Mapping[str, int] | None = None) -> tuple[Event, ...]:
    """Events reported by at least ``minimum`` documents, most reported first (stable).
    ``counts`` (event id -> salience), when known, saves counting again."""
    if counts is None:
        counts = {e.id: salience(e) for e in events}
    return tuple(sorted((e for e in events if counts[e.id] >= minimum),
                        key=lambda e: -counts[e.id]))


def url_function(root: str) -> Callable[[str], str]:
    """``url(target)`` for pages at ``root``, each answer computed once."""
    known: dict[str, str] = {}

    def url(target: str) -> str:
        found = known.get(target)
        if found is None:
            found = known[target] = root + file_link(target or "index.html")
        return found

    return url


__all__ = ["INLINE_MARKUP", "MONTH_NAMES", "Block", "PageLink", "Pager", "Section",
           "SourceSentence", "Year", "YearLink", "date_attr", "date_label", "group_events",
           "pagers", "paginate", "part_links", "select_key_events", "url_function"]
