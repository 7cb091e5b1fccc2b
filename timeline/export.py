"""The events.json export (version 1): the shape score-events and other tools read."""

from __future__ import annotations

import json
from typing import Any

from timeline import __version__
from timeline.dates import iso_bounds, span_label
from timeline.model import DateSpan, Document, Event, Timeline

SCHEMA_VERSION = 1


def date_to_json(span: DateSpan | None) -> dict[str, Any] | None:
    """``{"start", "end", "precision", "approximate", "label"}``, or None when undated."""
    if span is None:
        return None
    start, end = iso_bounds(span)
    return {"start": start, "end": end, "precision": span.precision.label,
            "approximate": span.approximate, "label": span_label(span)}


def event_to_json(event: Event, docs: dict[str, Document]) -> dict[str, Any]:
    """One event with its sources."""
    sources = []
    for c in event.citations:
        doc = docs.get(c.document)
        sources.append({
            "document": c.document, "title": doc.title if doc else c.document,
            "source": doc.source if doc else None, "url": doc.url if doc else None,
            "quote": c.quote, "sentence": c.sentence, "line": c.line,
            "date_text": c.date_text, "context": c.context,
        })
    return {
        "id": event.id, "title": event.title, "summary": event.summary,
        "date": date_to_json(event.date), "planned": event.planned,
        "salience": salience(event), "actors": list(event.actors), "sources": sources,
    }


def salience(event: Event) -> int:
    """How many independent documents report the event."""
    return len({c.document for c in event.citations})


def document_to_json(doc: Document) -> dict[str, Any]:
    """What the export says about a source document."""
    return {"id": doc.id, "path": doc.path.as_posix(), "title": doc.title, "source": doc.source,
            "url": doc.url, "published": doc.published.isoformat() if doc.published else None,
            "published_from": doc.published_from, "published_note": doc.published_note,
            "tags": list(doc.tags)}


def timeline_to_json(timeline: Timeline, title: str = "") -> dict[str, Any]:
    """The whole export as a JSON-ready dict."""
    docs = {d.id: d for d in timeline.documents}
    return {
        "version": SCHEMA_VERSION, "generator": f"timeline {__version__}", "title": title,
        "events": [event_to_json(e, docs) for e in timeline.events],
        "documents": [document_to_json(d) for d in timeline.documents],
    }


def dumps(data: Any) -> bytes:
    """Stable, readable JSON bytes."""
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode()
