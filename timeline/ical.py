"""The events.ics export (RFC 5545): one all-day VEVENT per dated event, covering its span.

A day event is one day; a month, season or year event is an all-day range over the whole
month, season or year (so a calendar never shows it as a day). DTSTAMP comes from the newest
published date, not the clock, so the same articles always give the same file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import urlsplit

from timeline import __version__
from timeline.config import Config
from timeline.dates import span_label
from timeline.model import DateSpan, Document, Event, Timeline
from timeline.pieces import Composer
from timeline.plaintext import reader_text
from timeline.urls import absolute, event_path

LINE_OCTETS = 75
"""RFC 5545 §3.1: lines longer than this are folded."""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character; CRLF-terminated."""
    if len(line) <= LINE_OCTETS and line.isascii():
        return line + "\r\n"
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        pieces.append(data[start:cut])
        start, limit = cut, LINE_OCTETS - 1  # the leading space of a continuation counts
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8") + "\r\n"


def _day(d: date) -> str:
    """``YYYYMMDD``, four digits of year however early (RFC 5545's date-fullyear), without
    strftime's cost (30,000 events, two dates each)."""
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def stamp_of(timeline: Timeline) -> str:
    """A reproducible DTSTAMP: midnight UTC of the newest published date (or of 1970-01-01)."""
    newest = max((d.published for d in timeline.documents if d.published), default=None)
    return f"{_day(newest or date(1970, 1, 1))}T000000Z"


def event_lines(event: Event, span: DateSpan, docs: dict[str, Document], config: Config,
                dtstamp: str, domain: str) -> list[str]:
    """The content lines of one VEVENT (unfolded); ``span`` is the event's date."""
    lines = ["BEGIN:VEVENT", f"UID:{event.id}@{domain}", f"DTSTAMP:{dtstamp}",
             f"DTSTART;VALUE=DATE:{_day(span.start)}",
             # DTEND of an all-day event is exclusive: the day after the last day.
             f"DTEND;VALUE=DATE:{_day(span.end + timedelta(days=1))}",
             f"SUMMARY:{escape_text(event.title)}"]
    text = [f"Date: {span_label(span)} (precision: {span.precision.label})"]
    for c in event.citations:
        doc = docs.get(c.document)
        name = (doc.source or doc.title) if doc else c.document
        text.append(f"“{reader_text(c.quote)}” — {name}"
                    + (f" {doc.url}" if doc and doc.url else ""))
    lines.append(f"DESCRIPTION:{escape_text(chr(10).join(text))}")
    if event.planned or span.approximate:
        lines.append("STATUS:TENTATIVE")
    if config.site_url:
        lines.append(f"URL:{absolute(config.site_url, event_path(event))}")
    lines.append("END:VEVENT")
    return lines


def write_ics(timeline: Timeline, config: Config, compose: Composer,
              key: Callable[[Event], str]) -> None:
    """The calendar into ``compose``, one piece per dated event, in timeline order."""
    docs = {d.id: d for d in timeline.documents}
    dtstamp = stamp_of(timeline)
    domain = urlsplit(config.site_url).hostname or "timeline.invalid"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//timeline//timeline {__version__}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(config.title)}"]
    compose.text("".join(fold(line) for line in lines))
    compose.pieces([e for e in timeline.events if e.date is not None], key, functools.partial(
        _vevent, docs=docs, config=config, dtstamp=dtstamp, domain=domain))
    compose.text(fold("END:VCALENDAR"))


def _vevent(event: Event, docs: dict[str, Document], config: Config, dtstamp: str,
            domain: str) -> str:
    assert event.date is not None
    return "".join([fold(line) for line in event_lines(event, event.date, docs, config,
                                                       dtstamp, domain)])


def timeline_to_ics(timeline: Timeline, config: Config) -> bytes:
    """The calendar: every dated event, in timeline order."""
    compose = Composer("", lambda key: None)
    write_ics(timeline, config, compose, lambda e: e.id)
    return compose.result()[0]


__all__ = ["escape_text", "fold", "stamp_of", "timeline_to_ics", "write_ics"]
