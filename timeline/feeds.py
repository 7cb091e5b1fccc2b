"""The Atom feed (feed.xml, the newest events first) and the sitemap (sitemap.xml).

Entry ids are ``urn:uuid:`` names derived from the stable event ids, not URLs: they stay the
same when the site moves or ``site_url`` is set later, so feed readers never show an entry
twice. Links are absolute under ``site_url``; without it they are relative to feed.xml
(RFC 4287 allows relative references, resolved against the feed's own address). A sitemap
needs absolute URLs, so it is written only when ``site_url`` is set.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from markupsafe import escape

from timeline import __version__
from timeline.config import Config
from timeline.dates import span_label
from timeline.model import Document, Event, Timeline
from timeline.pieces import Composer
from timeline.plaintext import reader_text
from timeline.urls import KEY_EVENTS_PATH, absolute, event_path, link, source_path

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = date(1970, 1, 1)


def entry_id(event: Event) -> str:
    """A permanent Atom id for an event: a name-based UUID of its stable id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'timeline:event:' + event.id)}"


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _href(config: Config, path: str) -> str:
    return absolute(config.site_url, path) if config.site_url else (link(path) or "./")


def _tag(name: str, text: str | None = None, indent: int = 1, **attrs: str) -> str:
    """One XML element on its own line, text and attribute values escaped."""
    attributes = "".join(f" {key}={quoteattr(value)}" for key, value in attrs.items())
    pad = " " * indent
    if text is None:
        return f"{pad}<{name}{attributes}/>\n"
    return f"{pad}<{name}{attributes}>{xml_escape(text)}</{name}>\n"


def _content(event: Event, docs: dict[str, Document], config: Config) -> str:
    parts = [f"<p>{escape(date_text(event))}</p>"]
    for c in event.citations:
        doc = docs.get(c.document)
        name = (doc.source or doc.title) if doc else c.document
        where = _href(config, source_path(c.document)) + f"#s{c.sentence + 1}"
        parts.append(f"<blockquote>{escape(reader_text(c.quote))}</blockquote>"
                     f'<p>— <a href="{escape(where)}">{escape(name)}</a></p>')
    return "".join(parts)


def date_text(event: Event) -> str:
    """The event's date as the pages show it."""
    return span_label(event.date) if event.date else "undated"


def newest_first(events: Iterable[Event]) -> list[Event]:
    """Dated events from the latest back, then the undated ones."""
    listed = list(events)
    return [e for e in reversed(listed) if e.date] + [e for e in listed if not e.date]


def feed_updated(timeline: Timeline) -> date:
    """The feed's ``updated``: the newest published date."""
    return max([d.published for d in timeline.documents if d.published], default=EPOCH)


def write_atom(timeline: Timeline, config: Config, compose: Composer,
               key: Callable[[Event], str]) -> None:
    """The Atom 1.0 feed of the newest ``feed_limit`` events (all with 0), newest first,
    into ``compose``: one piece per entry."""
    docs = {d.id: d for d in timeline.documents}
    updated = feed_updated(timeline)
    feed_id = uuid.uuid5(uuid.NAMESPACE_URL, "timeline:feed:" + config.title)
    out = [f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM}">\n',
           _tag("id", f"urn:uuid:{feed_id}"), _tag("title", config.title)]
    if config.description:
        out.append(_tag("subtitle", config.description))
    out.append(_tag("updated", _stamp(updated)))
    if config.site_url:
        out.append(_tag("link", rel="self", type="application/atom+xml",
                        href=absolute(config.site_url, "feed.xml")))
    out += [_tag("link", rel="alternate", type="text/html", href=_href(config, "index.html")),
            " <author>\n", _tag("name", config.title, 2), " </author>\n",
            _tag("generator", "timeline", version=__version__)]
    compose.text("".join(out))
    published = {d.id: d.published for d in timeline.documents if d.published}
    entries = newest_first(timeline.events)
    if config.feed_limit:
        del entries[config.feed_limit:]
    compose.pieces(entries, key, functools.partial(
        _entry, docs=docs, published=published, config=config, updated=updated))
    compose.text("</feed>\n")


def _entry(event: Event, docs: dict[str, Document], published: dict[str, date], config: Config,
           updated: date) -> str:
    reported = [published[c.document] for c in event.citations if c.document in published]
    return "".join([" <entry>\n", _tag("id", entry_id(event), 2), _tag("title", event.title, 2),
                    _tag("updated", _stamp(max(reported, default=updated)), 2),
                    _tag("link", None, 2, rel="alternate", type="text/html",
                         href=_href(config, event_path(event))),
                    _tag("summary", f"{date_text(event)}: {event.summary}", 2),
                    _tag("content", _content(event, docs, config), 2, type="html"),
                    " </entry>\n"])


def timeline_to_atom(timeline: Timeline, config: Config) -> bytes:
    """The Atom 1.0 feed of the newest events (``feed_limit``), newest first."""
    compose = Composer("", lambda key: None)
    write_atom(timeline, config, compose, lambda e: e.id)
    return compose.result()[0]


def sitemap_paths(timeline: Timeline, parts: Sequence[str] = ()) -> list[str]:
    """Every HTML page of the site except 404.html (``parts``: the year and month pages of a
    split index)."""
    return (["index.html", KEY_EVENTS_PATH, *parts]
            + [event_path(e) for e in timeline.events]
            + [source_path(d.id) for d in timeline.documents])


def timeline_to_sitemap(timeline: Timeline, site_url: str, parts: Sequence[str] = ()
                        ) -> bytes:
    """sitemap.xml with the absolute URL of every page under ``site_url``."""
    out = [f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{SITEMAP}">\n']
    for path in sitemap_paths(timeline, parts):
        out += [" <url>\n", _tag("loc", absolute(site_url, path), 2), " </url>\n"]
    out.append("</urlset>\n")
    return "".join(out).encode("utf-8")


__all__ = ["entry_id", "feed_updated", "timeline_to_atom", "timeline_to_sitemap", "write_atom"]
