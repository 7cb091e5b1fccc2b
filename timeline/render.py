"""Stage 6: render the timeline to files in memory (path -> bytes); nothing touches disk."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from timeline import __version__
from timeline.config import Config
from timeline.dates import MONTH_ABBR, iso_bounds, span_label
from timeline.errors import ThemeError, problem
from timeline.export import dumps, salience, timeline_to_json
from timeline.model import Citation, DateSpan, Document, Event, Precision, Sentence, Timeline
from timeline.theme import Theme

SiteFiles = dict[str, bytes]
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def event_path(event: Event) -> str:
    """Output path of an event's page."""
    return f"events/{event.id}/index.html"


def source_path(doc_id: str) -> str:
    """Output path of a source document's page."""
    return f"sources/{doc_id}/index.html"


def _link(path: str) -> str:
    """A path as a URL: percent-encoded (``#``, ``?`` and ``%`` in file names too), and
    folder-style for index.html pages. Fragments are appended by the callers."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return quote(path, safe="/")


def date_label(span: DateSpan | None) -> str:
    """"1 Feb 2026", "Dec 2025", "early 2022", or "undated"."""
    return span_label(span) if span is not None else "undated"


def date_attr(span: DateSpan | None) -> str:
    """A valid ``<time datetime>`` value at the span's precision."""
    if span is None:
        return ""
    if span.precision == Precision.DECADE:
        return f"{span.start.year // 10 * 10:04d}"
    return iso_bounds(span)[0]


@dataclass(frozen=True, slots=True)
class _Section:
    label: str
    anchor: str
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class _Year:
    label: str
    anchor: str
    sections: tuple[_Section, ...]


def group_events(events: tuple[Event, ...]) -> tuple[_Year, ...]:
    """Events by year, then by month (coarser dates first in each year), undated last."""
    years: list[_Year] = []

    def year_of(e: Event) -> str:
        return str(e.date.start.year) if e.date else "Undated"

    for year, in_year in itertools.groupby(events, key=year_of):
        sections: dict[str, list[Event]] = defaultdict(list)
        for e in in_year:
            if e.date is None:
                key = "Undated"
            elif e.date.precision >= Precision.MONTH and (e.date.start.year, e.date.start.month) \
                    == (e.date.end.year, e.date.end.month):
                key = f"{MONTH_NAMES[e.date.start.month - 1]} {year}"
            else:
                key = f"During {year}" if e.date.precision >= Precision.HALF else (
                    f"{date_label(e.date)}")
            sections[key].append(e)
        years.append(_Year(year, f"y{year}" if year != "Undated" else "undated", tuple(
            _Section(label, f"y{year}-{i}", tuple(evs))
            for i, (label, evs) in enumerate(sections.items()))))
    return tuple(years)


class _Renderer:
    """Renders pages with the paths and helpers every template gets."""

    def __init__(self, timeline: Timeline, config: Config, theme: Theme) -> None:
        self.timeline = timeline
        self.config = config
        self.env = theme.environment()
        self.theme = theme
        self.docs = {d.id: d for d in timeline.documents}
        self.citing: dict[tuple[str, int], list[Event]] = defaultdict(list)
        for event in timeline.events:
            for c in event.citations:
                self.citing[(c.document, c.sentence)].append(event)
                if c.context_sentence is not None:
                    self.citing[(c.document, c.context_sentence)].append(event)
        md = MarkdownIt("commonmark", {"html": config.allow_html, "linkify": False})
        self.inline: Callable[[str], str] = md.renderInline

    def page(self, template: str, path: str, **context: Any) -> bytes:
        depth = path.count("/")
        root = "../" * depth

        def url(target: str) -> str:
            return root + _link(target) if target else (root or "./")

        def cite_url(c: Citation) -> str:
            return url(source_path(c.document)) + f"#s{c.sentence + 1}"

        values = {
            "site": self.config, "root": root or "./", "page_path": path, "url": url,
            "cite_url": cite_url, "event_url": lambda e: url(event_path(e)),
            "source_url": lambda doc_id: url(source_path(doc_id)), "docs": self.docs,
            "date_label": date_label, "date_attr": date_attr, "salience": salience,
            "theme_options": self.theme.options, "version": __version__,
            "timeline": self.timeline, **context,
        }
        try:
            return self.env.get_template(template).render(values).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError([problem(Path(exc.filename) if exc.filename else None, exc.lineno,
                                      f"template syntax: {exc.message}")]) from exc
        except jinja2.TemplateNotFound as exc:
            raise ThemeError([problem(None, None, f"template not found: {exc.name}",
                                      "add it to your theme or remove the override")]) from exc
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError) as exc:
            raise ThemeError([problem(None, None, f"while rendering {template}: {exc}")]) \
                from exc

    def sentence_html(self, doc: Document, s: Sentence) -> Markup:
        if doc.format == "markdown":
            return Markup(self.inline(s.text))
        return escape(s.text)

    def source_blocks(self, doc: Document) -> list[dict[str, Any]]:
        extraction = self.timeline.extractions[doc.id]
        blocks: list[dict[str, Any]] = []
        for _block, sentences in itertools.groupby(extraction.sentences, key=lambda s: s.block):
            items = list(sentences)
            blocks.append({"heading": items[0].heading and len(items) == 1, "sentences": [
                {"index": s.index + 1, "line": s.line, "html": self.sentence_html(doc, s),
                 "events": self.citing.get((doc.id, s.index), [])} for s in items]})
        return blocks


def render_site(timeline: Timeline, config: Config, theme: Theme) -> SiteFiles:
    """Every page, asset and export of the site, as bytes keyed by output path."""
    r = _Renderer(timeline, config, theme)
    files: SiteFiles = {}
    key_events = tuple(sorted((e for e in timeline.events
                               if salience(e) >= config.key_event_sources),
                              key=lambda e: -salience(e))[:12])
    files["index.html"] = r.page("index.html", "index.html", years=group_events(timeline.events),
                                 events=timeline.events, key_events=key_events)
    for event in timeline.events:
        path = event_path(event)
        files[path] = r.page("event.html", path, event=event)
    for doc in timeline.documents:
        path = source_path(doc.id)
        files[path] = r.page("source.html", path, doc=doc, blocks=r.source_blocks(doc),
                             extraction=timeline.extractions[doc.id])
    files["404.html"] = r.page("404.html", "404.html")
    files["events.json"] = dumps(timeline_to_json(timeline, config.title))
    files[".nojekyll"] = b""
    for rel, source in theme.static_files():
        files[rel.as_posix()] = source.read_bytes()
    return files


__all__ = ["MONTH_ABBR", "SiteFiles", "render_site"]
