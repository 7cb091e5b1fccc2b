"""The events.json export (version 1): the shape score-events and other tools read."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from timeline import __version__
from timeline.dates import iso_bounds, span_label
from timeline.model import DateSpan, Document, Event, Timeline
from timeline.pieces import Composer
from timeline.plaintext import reader_text
from timeline.urls import event_path, file_link

SCHEMA_VERSION = 1
T = TypeVar("T")


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
            "quote": reader_text(c.quote), "sentence": c.sentence, "line": c.line,
            "date_text": c.date_text,
            "context": reader_text(c.context) if c.context else None,
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


@dataclass(frozen=True, slots=True)
class PieceList(Generic[T]):
    """A JSON list whose items are pieces: each item's value is ``make(item)``."""

    items: Sequence[T]
    key: Callable[[T], str]
    make: Callable[[T], Any]

    def values(self) -> list[Any]:
        """The list itself."""
        return [self.make(item) for item in self.items]


def _timeline_json(timeline: Timeline, title: str, key: Callable[[Event], str]
                   ) -> dict[str, Any]:
    docs = {d.id: d for d in timeline.documents}
    return {
        "version": SCHEMA_VERSION, "generator": f"timeline {__version__}", "title": title,
        "events": PieceList(timeline.events, key, functools.partial(event_to_json, docs=docs)),
        "documents": [document_to_json(d) for d in timeline.documents],
    }


def timeline_to_json(timeline: Timeline, title: str = "") -> dict[str, Any]:
    """The whole export as a JSON-ready dict."""
    data = _timeline_json(timeline, title, lambda e: e.id)
    data["events"] = data["events"].values()
    return data


def write_json(timeline: Timeline, title: str, compose: Composer,
               key: Callable[[Event], str]) -> None:
    """events.json into ``compose``, one piece per event (the bytes of dumps())."""
    compose_json(compose, _timeline_json(timeline, title, key))
    compose.text("\n")


SEARCH_PATH = "search.js"
"""Every event in a few words, for the search of a split index (see write_search)."""


def write_search(events: Sequence[Event], outlets: Callable[[Event], list[str]],
                 label: Callable[[DateSpan | None], str], compose: Composer,
                 key: Callable[[Event], str]) -> None:
    """search.js into ``compose``: ``timelineSearch([...]);`` with one entry per event, in
    timeline order: its title, date (as ``label`` shows it), page (relative to the site's
    root), sources and names. A script rather than JSON, so that a page opened from disk
    (``file://``), which may not fetch files, can load it with a <script> element."""
    compose.text("timelineSearch([\n")
    compose.pieces(events, key, lambda e: json.dumps(
        [e.title, label(e.date), file_link(event_path(e)), " · ".join(outlets(e)),
         ", ".join(e.actors)],
        ensure_ascii=False, separators=(",", ":")), separator=",\n")
    compose.text("\n]);\n")


def compose_json(compose: Composer, value: Any, pad: str = "") -> None:
    """``encode(value, pad)`` into ``compose``, the items of each PieceList as pieces."""
    if isinstance(value, PieceList):
        if not value.items:
            compose.text("[]")
            return
        inner = pad + " "
        compose.text("[\n" + inner)
        make = value.make
        compose.pieces(value.items, value.key, lambda item: encode(make(item), inner),
                       separator=",\n" + inner)
        compose.text("\n" + pad + "]")
    elif type(value) is dict and value and any(_has_pieces(v) for v in value.values()):
        inner = pad + " "
        for i, (k, v) in enumerate(value.items()):
            compose.text(("{\n" if i == 0 else ",\n") + inner + _string(k) + ": ")
            compose_json(compose, v, inner)
        compose.text("\n" + pad + "}")
    else:
        compose.text(encode(value, pad))


def _has_pieces(value: Any) -> bool:
    return isinstance(value, PieceList) or (
        type(value) is dict and any(_has_pieces(v) for v in value.values()))


def dumps(data: Any) -> bytes:
    """Stable, readable JSON bytes: ``json.dumps(data, ensure_ascii=False, indent=1)``."""
    return (encode(data) + "\n").encode()


def encode(value: Any, pad: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` for a value nested under ``pad``
    (one space per level), several times faster: the standard library drops its C encoder
    whenever ``indent`` is set. Values it does not know go to the standard library."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + " "
        # Strings, the commonest values, are encoded inline rather than by a call. A key
        # that is not a string (json.dumps writes 1 as "1") fails _string: then the
        # standard library writes the whole dict (cheaper than looking at every key first).
        # (and None and whole numbers, next commonest, the same way)
        try:
            return "{\n" + inner + (",\n" + inner).join(
                [_string(k) + (": " + _string(v) if (t := type(v)) is str else
                               ": null" if v is None else
                               ": " + int.__repr__(v) if t is int else ": " + encode(v, inner))
                 for k, v in value.items()]) + "\n" + pad + "}"
        except TypeError:
            return _stdlib(value, pad)
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = pad + " "
        return "[\n" + inner + (",\n" + inner).join(
            [_string(v) if type(v) is str else encode(v, inner) for v in value]) + (
            "\n" + pad + "]")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    return _stdlib(value, pad)


_string = json.encoder.encode_basestring  # the C version, as json.dumps(ensure_ascii=False)


def _stdlib(value: Any, pad: str) -> str:
    """The standard library's text for ``value``, indented to sit under ``pad``."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + pad)
