"""The timelinejs.json export: Knight Lab TimelineJS3's JSON format, dates never finer than known.

TimelineJS needs a start date on every slide, so undated events are left out of this export
(they stay in events.json and on the pages).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from markupsafe import escape

from timeline.config import Config
from timeline.dates import iso_bounds, span_label
from timeline.export import PieceList, compose_json, salience
from timeline.model import DateSpan, Document, Event, Timeline
from timeline.pieces import Composer
from timeline.plaintext import reader_text
from timeline.urls import absolute, event_path, link, source_path


def tl_date(iso: str) -> dict[str, int]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a TimelineJS date object of that precision."""
    parts = [int(p) for p in iso.split("-")]
    return dict(zip(("year", "month", "day"), parts, strict=False))


def tl_dates(span: DateSpan) -> dict[str, Any]:
    """``start_date`` and, for a range, ``end_date``; with the honest label as display_date."""
    start, end = iso_bounds(span)
    dates: dict[str, Any] = {"start_date": tl_date(start)}
    if end != start:
        dates["end_date"] = tl_date(end)
    dates["display_date"] = span_label(span)
    return dates


def group_of(event: Event, docs: dict[str, Document]) -> str | None:
    """The outlet of the first citation, else that document's first tag."""
    for c in event.citations:
        doc = docs.get(c.document)
        if doc is not None and doc.source:
            return doc.source
    for c in event.citations:
        doc = docs.get(c.document)
        if doc is not None and doc.tags:
            return doc.tags[0]
    return None


def slide_text(event: Event, docs: dict[str, Document], base: str) -> str:
    """The slide body: every citation's quote and source, and a link to the event page."""
    parts = []
    for c in event.citations:
        doc = docs.get(c.document)
        name = (doc.source or doc.title) if doc else c.document
        source = f'{base}{link(source_path(c.document))}#s{c.sentence + 1}'
        parts.append(f"<blockquote>{escape(reader_text(c.quote))}</blockquote>"
                     f'<p>— <a href="{escape(source)}">{escape(name)}</a></p>')
    count = salience(event)
    parts.append(f'<p><a href="{escape(base + link(event_path(event)))}">'
                 f"{count} source{'s' if count != 1 else ''}: the entry on the site</a></p>")
    return "".join(parts)


def slide(event: Event, docs: dict[str, Document], base: str) -> dict[str, Any]:
    """The slide of a dated event."""
    assert event.date is not None
    data: dict[str, Any] = {
        **tl_dates(event.date),
        "text": {"headline": str(escape(event.title)), "text": slide_text(event, docs, base)},
        "unique_id": f"e-{event.id}",
    }
    group = group_of(event, docs)
    if group:
        data["group"] = group
    return data


def _timelinejs(timeline: Timeline, config: Config, key: Callable[[Event], str]
                ) -> dict[str, Any]:
    docs = {d.id: d for d in timeline.documents}
    base = absolute(config.site_url, "") if config.site_url else ""
    slides = PieceList([e for e in timeline.events if e.date is not None], key,
                       functools.partial(slide, docs=docs, base=base))
    intro = f"{len(slides.items)} dated events from {len(timeline.documents)} documents."
    if config.description:
        intro = f"{escape(config.description)} {intro}"
    return {"title": {"text": {"headline": str(escape(config.title)), "text": f"<p>{intro}</p>"},
                      "unique_id": "title"},
            "events": slides}


def timeline_to_timelinejs(timeline: Timeline, config: Config) -> dict[str, Any]:
    """The TimelineJS3 document: a title slide and one slide per dated event."""
    data = _timelinejs(timeline, config, lambda e: e.id)
    data["events"] = data["events"].values()
    return data


def write_timelinejs(timeline: Timeline, config: Config, compose: Composer,
                     key: Callable[[Event], str]) -> None:
    """timelinejs.json into ``compose``, one piece per slide."""
    compose_json(compose, _timelinejs(timeline, config, key))
    compose.text("\n")


__all__ = ["timeline_to_timelinejs", "write_timelinejs"]
