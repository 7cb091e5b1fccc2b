"""Stage 6: render the timeline to files in memory (path -> bytes); nothing touches disk."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from timeline import __version__
from timeline.config import Config
from timeline.dates import MONTH_ABBR, iso_bounds, span_label
from timeline.errors import ThemeError, problem
from timeline.export import dumps, salience, timeline_to_json
from timeline.feeds import timeline_to_atom, timeline_to_sitemap
from timeline.ical import timeline_to_ics
from timeline.model import Citation, DateSpan, Document, Event, Precision, Sentence, Timeline
from timeline.theme import Theme
from timeline.timelinejs import timeline_to_timelinejs
from timeline.urls import KEY_EVENTS_PATH, absolute, event_path, source_path
from timeline.urls import link as _link

SiteFiles = dict[str, bytes]
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def date_label(span: DateSpan | None) -> str:
    """"1 Feb 2026", "Dec 2025", "early 2022", or "undated"."""
    return span_label(span) if span is not None else "undated"


def date_attr(span: DateSpan | None) -> str:
    """A valid ``<time datetime>`` value never finer than the text: a year for "early 2022"
    or a half, a month for a month or season, an ISO week for a week."""
    if span is None:
        return ""
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


def select_key_events(events: tuple[Event, ...], minimum: int) -> tuple[Event, ...]:
    """Events reported by at least ``minimum`` documents, most reported first (stable)."""
    return tuple(sorted((e for e in events if salience(e) >= minimum), key=lambda e: -salience(e)))


class _Renderer:
    """Renders pages with the paths and helpers every template gets."""

    def __init__(self, timeline: Timeline, config: Config, theme: Theme,
                 env: jinja2.Environment | None = None) -> None:
        self.timeline = timeline
        self.config = config
        self.env = env or theme.environment()
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

    def outlets(self, event: Event) -> list[str]:
        """The outlets that report an event (a document without one counts by its id)."""
        names = {(self.docs[c.document].source or c.document) if c.document in self.docs
                 else c.document for c in event.citations}
        return sorted(names)

    def page(self, template: str, path: str, **context: Any) -> bytes:
        # 404.html is served at any address, where relative links would break: it links
        # absolutely when the public address is known.
        absolute_root = path == "404.html" and bool(self.config.site_url)
        root = self.config.site_url if absolute_root else "../" * path.count("/")
        canonical = absolute(self.config.site_url, path) if (
            self.config.site_url and path != "404.html") else ""

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
            "timeline": self.timeline, "canonical": canonical, "outlets": self.outlets,
            "key_events_url": url(KEY_EVENTS_PATH), **context,
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

    def source_page(self, doc: Document, path: str) -> bytes:
        return self.page("source.html", path, doc=doc, blocks=self.source_blocks(doc),
                         extraction=self.timeline.extractions[doc.id])

    def source_blocks(self, doc: Document) -> list[dict[str, Any]]:
        extraction = self.timeline.extractions[doc.id]
        blocks: list[dict[str, Any]] = []
        for _block, sentences in itertools.groupby(extraction.sentences, key=lambda s: s.block):
            items = list(sentences)
            blocks.append({"heading": items[0].heading and len(items) == 1, "sentences": [
                {"index": s.index + 1, "line": s.line, "html": self.sentence_html(doc, s),
                 "events": list(dict.fromkeys(self.citing.get((doc.id, s.index), [])))}
                for s in items]})
        return blocks


def plan_site(timeline: Timeline, config: Config, theme: Theme,
              env: jinja2.Environment | None = None) -> dict[str, Callable[[], bytes]]:
    """Every output path of the site, each with the function that renders its bytes (the
    dev server renders a page only when it is asked for; see timeline.serve)."""
    r = _Renderer(timeline, config, theme, env)
    plan: dict[str, Callable[[], bytes]] = {}
    key_events = select_key_events(timeline.events, config.key_event_sources)
    plan["index.html"] = lambda: r.page("index.html", "index.html",
                                        years=group_events(timeline.events),
                                        events=timeline.events, key_events=key_events)
    plan[KEY_EVENTS_PATH] = lambda: r.page("key.html", KEY_EVENTS_PATH, key_events=key_events)
    events = timeline.events
    for i, event in enumerate(events):
        path = event_path(event)
        plan[path] = functools.partial(r.page, "event.html", path, event=event,
                                       previous=events[i - 1] if i > 0 else None,
                                       next=events[i + 1] if i + 1 < len(events) else None)
    for doc in timeline.documents:
        path = source_path(doc.id)
        plan[path] = functools.partial(r.source_page, doc, path)
    plan["404.html"] = lambda: r.page("404.html", "404.html")
    plan["events.json"] = lambda: dumps(timeline_to_json(timeline, config.title))
    plan["timelinejs.json"] = lambda: dumps(timeline_to_timelinejs(timeline, config))
    plan["events.ics"] = lambda: timeline_to_ics(timeline, config)
    plan["feed.xml"] = lambda: timeline_to_atom(timeline, config)
    if config.site_url:  # a sitemap must list absolute URLs
        plan["sitemap.xml"] = lambda: timeline_to_sitemap(timeline, config.site_url)
    plan[".nojekyll"] = lambda: b""
    for rel, source in theme.static_files():
        plan[rel.as_posix()] = functools.partial(bytes, source.read_bytes())
    return plan


def render_site(timeline: Timeline, config: Config, theme: Theme,
                env: jinja2.Environment | None = None) -> SiteFiles:
    """Every page, asset and export of the site, as bytes keyed by output path."""
    return {path: make() for path, make in plan_site(timeline, config, theme, env).items()}


__all__ = ["MONTH_ABBR", "SiteFiles", "event_path", "plan_site", "render_site",
           "source_path"]
