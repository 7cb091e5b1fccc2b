"""Stage 6: render the timeline to files in memory (path -> bytes); nothing touches disk.

plan_pages() gives every output path a function that renders its bytes and a digest of
what those bytes depend on (timeline.pagekeys), so that a rebuild can keep the pages whose
inputs did not change, and copy the unchanged pieces of the others (timeline.pieces).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import secrets
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from timeline import __version__
from timeline.config import Config
from timeline.dates import MONTH_ABBR
from timeline.digest import digest, plain
from timeline.errors import ThemeError, problem
from timeline.export import SEARCH_PATH, salience, write_json, write_search
from timeline.feeds import feed_updated, timeline_to_sitemap, write_atom
from timeline.ical import stamp_of, write_ics
from timeline.model import Citation, Document, Event, Sentence, Timeline
from timeline.pagekeys import (
    WHOLE_SITE,
    SiteKeys,
    event_keys,
    names_attribute,
    page_digest,
    prints_cards_as_they_are,
    site_keys,
    uses_any,
    uses_whole_site,
)
from timeline.pagevalues import (
    INLINE_MARKUP,
    Block,
    Pager,
    Section,
    SourceSentence,
    Year,
    YearLink,
    date_attr,
    date_label,
    group_events,
    pagers,
    paginate,
    part_links,
    select_key_events,
    url_function,
)
from timeline.pieces import Composer, Reuse
from timeline.theme import Theme, safe
from timeline.timelinejs import write_timelinejs
from timeline.urls import (
    KEY_EVENTS_PATH,
    absolute,
    event_path,
    numbered_path,
    section_path,
    source_path,
    year_path,
)

SiteFiles = dict[str, bytes]

class _Renderer:
    """Renders pages with the paths and helpers every template gets."""

    def __init__(self, timeline: Timeline, config: Config, theme: Theme,
                 env: jinja2.Environment, reuse: Reuse, keys: SiteKeys | None = None) -> None:
        self.timeline = timeline
        self.config = config
        self.env = env
        self.theme = theme
        self.reuse = reuse
        self._keys = keys
        self.docs = {d.id: d for d in timeline.documents}
        md = MarkdownIt("commonmark", {"html": config.allow_html, "linkify": False})
        self.inline: Callable[[str], str] = md.renderInline
        self._shared: dict[str, dict[str, Any]] = {}
        self._answers = reuse.templates
        self.parts: list[str] = []
        """The pages of a split index (years, then the months of split years), in order
        (see plan_pages)."""
        self.placed: dict[str, str] = {}
        """Event id -> the page whose timeline shows it, when the index is split."""
        self.ready_card: Callable[[str], bytes | None] | None = None
        """Event id -> its card for the page that shows it in the timeline, when another
        process made it already (see timeline.offload), else None."""
        self.token = f"\x00{secrets.token_hex(8)}:"
        """What stands for a card until the page is rendered (see page): one random
        token per build rather than per page, which cost an event page a twentieth of
        its time (os.urandom each time), is as unknowable to what a page shows."""
        self.making = threading.RLock()
        """Held while the keys or the event pages' digests are made: the dev server's page
        requests and its writer may ask for them at once (it keeps the keys' memo)."""

    @property
    def keys(self) -> SiteKeys:
        """Every digest of the site (see timeline.pagekeys), made when first needed: a first
        build starts writing event pages in another process before it has them."""
        if self._keys is None:
            with self.making:
                if self._keys is None:
                    self._keys = site_keys(self.timeline, self.config, self.theme,
                                           self.reuse.keys)
        return self._keys

    def timeline_page(self, event: Event) -> str:
        """The path of the page whose timeline shows ``event``."""
        return self.placed.get(event.id, "index.html")

    @functools.cached_property
    def citing(self) -> dict[tuple[str, int], list[Event]]:
        """(document, sentence) -> the events citing it (made when a source page is)."""
        found: dict[tuple[str, int], list[Event]] = defaultdict(list)
        for event in self.timeline.events:
            for c in event.citations:
                # (an event once per sentence, though it cite it as dated sentence and as
                # context, or twice: its citations come one after the other)
                for sentence in (c.sentence, c.context_sentence):
                    if sentence is None:
                        continue
                    events = found[(c.document, sentence)]
                    if not events or events[-1] is not event:
                        events.append(event)
        return found

    def outlets(self, event: Event) -> list[str]:
        """The outlets that report an event (a document without one counts by its id)."""
        names = {(self.docs[c.document].source or c.document) if c.document in self.docs
                 else c.document for c in event.citations}
        return sorted(names)

    def whole_site(self, template: str) -> bool:
        """Whether ``template`` shows the whole site (so its pages depend on everything)."""
        found = self._answers.get(("whole", template))
        if found is None:
            found = self._answers[("whole", template)] = uses_whole_site(self.env, template)
        return found

    def shared(self, root: str) -> dict[str, Any]:
        """The template values of every page at ``root``, made once."""
        values = self._shared.get(root)
        if values is None:
            url = url_function(root)

            def cite_url(c: Citation) -> str:
                return url(source_path(c.document)) + f"#s{c.sentence + 1}"

            def timeline_url(e: Event) -> str:
                return f"{url(self.timeline_page(e))}#e-{e.id}"

            values = self._shared[root] = {
                "site": self.config, "root": root or "./", "url": url,
                "cite_url": cite_url, "event_url": lambda e: url(event_path(e)),
                "timeline_url": timeline_url,
                "source_url": lambda doc_id: url(source_path(doc_id)), "docs": self.docs,
                "date_label": date_label, "date_attr": date_attr, "salience": salience,
                "theme_options": self.theme.options, "version": __version__,
                "timeline": self.timeline, "outlets": self.outlets,
                "key_events_url": url(KEY_EVENTS_PATH),
            }
        return values

    def url_at(self, path: str) -> Callable[[str], str]:
        """The ``url`` function of the page at ``path``."""
        url: Callable[[str], str] = self.shared("../" * path.count("/"))["url"]
        return url

    def months_page(self, year: Year, path: str, years: tuple[Year, ...],
                    pages: Mapping[str, str], sections: Mapping[str, str]) -> bytes:
        """The page of a year of a split index that has too many events to show: the list
        of its months (year.html)."""
        url = self.url_at(path)
        return self.page(
            "year.html", path, year=year, years=(), key_events=(), parent=None, pager=None,
            events=tuple(e for s in year.sections for e in s.events),
            year_links=part_links(years, path, pages, url, shown=False),
            section_links=part_links(year.sections, path, sections, url))

    def part_page(self, year: Year, section: Section | None, shown: Year, path: str,
                  first: str, pager: Pager | None, years: tuple[Year, ...],
                  pages: Mapping[str, str], sections: Mapping[str, str]) -> bytes:
        """A page of the events of one year (``section`` None) or one month of a split
        year (year.html): ``shown`` is what this page of it shows, ``first`` the path of
        its first page, ``pager`` where this page stands among them."""
        url = self.url_at(path)
        return self.page(
            "year.html", path, year=shown, years=(shown,), key_events=(), pager=pager,
            events=tuple(e for s in shown.sections for e in s.events),
            parent=None if section is None else YearLink(
                year.label, url(pages[year.anchor]), year.count, False),
            year_links=part_links(years, first, pages, url),
            section_links=[] if section is None else part_links(year.sections, first,
                                                                 sections, url))

    def page(self, template: str, path: str, **context: Any) -> bytes:
        # 404.html is served at any address, where relative links would break: it links
        # absolutely when the public address is known.
        absolute_root = path == "404.html" and bool(self.config.site_url)
        root = self.config.site_url if absolute_root else "../" * path.count("/")
        canonical = absolute(self.config.site_url, path) if (
            self.config.site_url and path != "404.html") else ""
        values = {**self.shared(root), "page_path": path, "canonical": canonical, **context}
        if not self.splices(template):
            values["event_card"] = functools.partial(self.card, values)
            return self.render(template, values).encode("utf-8")
        cards: list[Event] = []
        token = self.token

        def event_card(event: Event) -> Markup:
            """A placeholder, replaced by the event's card (_event.html) after rendering."""
            cards.append(event)
            return Markup(f"{token}{len(cards) - 1}\x00")

        values["event_card"] = event_card
        text = self.render(template, values)
        if not cards:
            return text.encode("utf-8")
        return self.splice(template, path, values, text.split(token), cards)

    def splices(self, template: str) -> bool:
        """Whether cards on pages of ``template`` may be put in after rendering: only when
        the templates print them as they are (a filter would see a placeholder)."""
        found = self._answers.get(("splice", template))
        if found is None:
            found = self._answers[("splice", template)] = prints_cards_as_they_are(
                self.env, template)
        return found

    def splice(self, template: str, path: str, values: dict[str, Any], parts: list[str],
               cards: list[Event]) -> bytes:
        """The page with its cards in place of their placeholders, each card copied from
        the previous build when its event and everything else it shows are unchanged."""
        if len(parts) != len(cards) + 1 or not all(
                part.startswith(f"{i}\x00") for i, part in enumerate(parts[1:])):
            # The placeholders did not come out as they went in: render the cards inline.
            values["event_card"] = functools.partial(self.card, values)
            return self.render(template, values).encode("utf-8")
        context = page_digest(self.keys, self.whole_site("_event.html"), "card", path)
        compose = Composer(context, self.reuse.pieces(path, context))
        compose.text(parts[0])
        for event, part in zip(cards, parts[1:], strict=True):
            compose.piece(self.event_key(event),
                          functools.partial(self.card_piece, values, path, event))
            compose.text(part[part.index("\x00") + 1:])
        data, index = compose.result()
        self.reuse.note(path, data, index)
        return data

    def event_key(self, event: Event) -> str:
        """The digest of an event with the documents it cites (see timeline.pagekeys)."""
        found = self.keys.events.get(event.id)
        return found if found is not None else digest(plain(event), "not in the timeline")

    def card(self, values: dict[str, Any], event: Event) -> Markup:
        """An event's card: _event.html with the page's values (as an include sees them)."""
        return Markup(self.render("_event.html", {**values, "event": event}))

    def card_piece(self, values: dict[str, Any], path: str, event: Event) -> str | bytes:
        """The card of ``event`` on the page at ``path``: made by another process when it
        is the page showing the event in the timeline and that process made it already."""
        if self.ready_card is not None and self.timeline_page(event) == path:
            found = self.ready_card(event.id)
            if found is not None:
                return found
        return self.card(values, event)

    def timeline_card(self, event: Event) -> bytes:
        """The card of ``event`` on the page showing it in the timeline, from the values
        every page shares (which is all it may use: see EventPages.cards_portable)."""
        path = self.timeline_page(event)
        canonical = absolute(self.config.site_url, path) if self.config.site_url else ""
        return self.card({**self.shared("../" * path.count("/")), "page_path": path,
                          "canonical": canonical}, event).encode("utf-8")

    def render(self, template: str, values: dict[str, Any]) -> str:
        try:
            return self.env.get_template(template).render(values)
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError([problem(Path(exc.filename) if exc.filename else None, exc.lineno,
                                      f"template syntax: {exc.message}")]) from exc
        except jinja2.TemplateNotFound as exc:
            raise ThemeError([problem(None, None, f"template not found: {exc.name}",
                                      "add it to your theme or remove the override")]) from exc
        except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
                AttributeError) as exc:  # a theme's mistake, met at render time
            where, line = _template_place(exc)
            raise ThemeError([problem(where, line, f"while rendering {template}: "
                                      f"{exc or type(exc).__name__}")]) from exc

    def sentence_html(self, doc: Document, s: Sentence) -> Markup:
        if doc.format != "markdown":
            return escape(s.text)
        if INLINE_MARKUP.search(s.text) is None:  # plain text: what renderInline returns
            return safe(s.text.replace('"', "&quot;"))
        return Markup(self.inline(s.text))

    def source_page(self, doc: Document, path: str) -> bytes:
        return self.page("source.html", path, doc=doc, blocks=self.source_blocks(doc),
                         extraction=self.timeline.extractions[doc.id])

    def source_blocks(self, doc: Document) -> list[Block]:
        extraction = self.timeline.extractions[doc.id]
        blocks: list[Block] = []
        citing, html, key = self.citing.get, self.sentence_html, doc.id
        for _block, sentences in itertools.groupby(extraction.sentences, key=lambda s: s.block):
            items = list(sentences)
            blocks.append(Block(items[0].heading and len(items) == 1, [
                SourceSentence(s.index + 1, s.line, html(doc, s), citing((key, s.index)) or [])
                for s in items]))
        return blocks

    def composite(self, path: str, write: Callable[[Composer, Callable[[Event], str]], None],
                  *context: object) -> bytes:
        """An export made of one piece per event (see timeline.pieces)."""
        shared = page_digest(self.keys, False, path, *context)
        compose = Composer(shared, self.reuse.pieces(path, shared))
        write(compose, self.event_key)
        data, index = compose.result()
        self.reuse.note(path, data, index)
        return data


@dataclass(frozen=True, slots=True)
class SitePlan:
    """Every output path of a site: how to render it, and what its bytes depend on."""

    render: Mapping[str, Callable[[], bytes]]
    """Path -> the function that renders its bytes."""
    digests: Mapping[str, str]
    """Path -> the digest of its inputs: equal digests, equal bytes (each made when first
    read)."""


_memos: weakref.WeakKeyDictionary[jinja2.Environment, Reuse] = weakref.WeakKeyDictionary()


def memo_for(env: jinja2.Environment) -> Reuse:
    """The pages rendered with ``env`` so far, kept for as long as the environment (the dev
    server keeps one between rebuilds and makes a new one when the theme changes)."""
    found = _memos.get(env)
    if found is None:
        found = _memos[env] = Reuse(in_memory=True)
    return found


def plan_pages(timeline: Timeline, config: Config, theme: Theme,
               env: jinja2.Environment | None = None, reuse: Reuse | None = None) -> SitePlan:
    """Every output path with its render function and digest; with ``reuse``, pages and
    pieces of the last build are taken from it instead of rendered again.

    The digests (and the site's keys they are made from: a tenth of a second per 1,000
    articles) are made when first read, so that a first build, which has no earlier pages
    to compare them with, starts a helper on its event pages before making them, and the
    dev server makes only those of the pages it renders before the reload."""
    env = env or theme.environment()
    reuse = reuse or Reuse()
    r = _Renderer(timeline, config, theme, env, reuse)
    plan: dict[str, Callable[[], bytes]] = {}
    inputs: dict[str, Callable[[], str] | None] = {}
    """Path -> what makes its digest (None for an event page: see event_digests)."""

    def add(path: str, whole_site: bool, make: Callable[[], bytes], *given: object,
            more: Callable[[SiteKeys], Iterable[object]] | None = None) -> None:
        """A page made by ``make``, its digest from ``given`` and (what needs the keys)
        ``more``, with the whole site's digest too when ``whole_site``."""
        plan[path] = make
        inputs[path] = functools.partial(_page_digest, r, whole_site, given, more)

    events = timeline.events

    @functools.cache
    def key_events() -> tuple[Event, ...]:
        return select_key_events(events, config.key_event_sources, r.keys.counts)

    years = group_events(events)
    limit = config.index_limit
    split = 0 < limit < len(events)
    # Above the limit, each year on a page of its own (the index lists them), and each
    # month of a year above the limit too (the year's page lists them).
    pages = {y.anchor: year_path(y.anchor) if split else "index.html" for y in years}
    sections: dict[str, str] = {}
    parts: list[tuple[Year, Section | None, list[str], tuple[Year, ...]]] = []
    """Each year or month on pages of its own: the paths of its pages, and what each shows
    (more than ``limit`` events go on numbered pages)."""
    for year in years if split else ():
        by_month = year.count > limit and len(year.sections) > 1
        if by_month:
            r.parts.append(pages[year.anchor])
        for i, section in enumerate(year.sections if by_month else (None,)):
            if section is None:
                path, shown = pages[year.anchor], paginate(year, limit)
            else:
                path = section_path(year.anchor, section.label)
                if path in r.parts:  # two labels with one slug: keep both pages
                    path = section_path(year.anchor, f"{section.label} {i}")
                sections[section.anchor] = path
                shown = paginate(Year(section.label, year.anchor, (section,)), limit)
            paths = [numbered_path(path, n) for n in range(1, len(shown) + 1)]
            parts.append((year, section, paths, shown))
            r.parts.extend(paths)
            for page_path, part in zip(paths, shown, strict=True):
                for s in part.sections:
                    for e in s.events:
                        r.placed[e.id] = page_path
    add("index.html", True, lambda: r.page(
        "index.html", "index.html", years=() if split else years, events=events,
        key_events=key_events(), year_links=part_links(years, "index.html", pages, r.url_at(
            "index.html"))), "index.html")
    for year in years if split else ():
        if year.sections[0].anchor in sections:
            path = pages[year.anchor]
            add(path, True, functools.partial(r.months_page, year, path, years, pages,
                                              sections), path)
    for year, section, paths, shown in parts:
        count = year.count if section is None else section.count
        for path, part, pager in zip(paths, shown, pagers(
                paths, lambda here, to: r.url_at(here)(to), count), strict=True):
            add(path, True, functools.partial(
                r.part_page, year, section, part, path, paths[0], pager, years, pages,
                sections), path)
    add(KEY_EVENTS_PATH, r.whole_site("key.html"),
        lambda: r.page("key.html", KEY_EVENTS_PATH, key_events=key_events()), KEY_EVENTS_PATH,
        more=lambda keys: [event_keys(keys, key_events())])
    # (Comprehensions and zips rather than loops: the dev server plans on every edit.)
    event_paths = [event_path(e) for e in events]
    event_index = dict(zip(event_paths, range(len(events)), strict=True))
    inputs.update(dict.fromkeys(event_paths))
    whole = r.whole_site("source.html")
    for doc in timeline.documents:
        path = source_path(doc.id)
        add(path, whole, functools.partial(r.source_page, doc, path), path,
            more=functools.partial(_source_inputs, doc.id))
    add("404.html", r.whole_site("404.html"), lambda: r.page("404.html", "404.html"),
        "404.html")
    add("events.json", True, lambda: r.composite(
        "events.json", functools.partial(write_json, timeline, config.title)))
    add("timelinejs.json", True, lambda: r.composite(
        "timelinejs.json", functools.partial(write_timelinejs, timeline, config)))
    add("events.ics", True, lambda: r.composite(
        "events.ics", functools.partial(write_ics, timeline, config), stamp_of(timeline)))
    add("feed.xml", True, lambda: r.composite(
        "feed.xml", functools.partial(write_atom, timeline, config), feed_updated(timeline)))
    if split:  # the index shows no event: a search over all of them (index.html)
        add(SEARCH_PATH, True, lambda: r.composite(
            SEARCH_PATH, functools.partial(write_search, events, r.outlets, date_label)))
    if config.site_url:  # a sitemap must list absolute URLs
        add("sitemap.xml", False, lambda: timeline_to_sitemap(timeline, config.site_url, r.parts),
            "sitemap.xml", [e.id for e in events], [d.id for d in timeline.documents], r.parts)
    add(".nojekyll", False, lambda: b"", ".nojekyll")
    for rel, source in theme.static_files():
        add(rel.as_posix(), False, source.read_bytes, rel.as_posix(), str(source))

    def event_digests(keys: SiteKeys) -> dict[str, str]:
        """Each event page's digest: of its event, its neighbours, and the page that shows
        it in the timeline (which its link back names). The dev server keeps the last ones
        and hashes again only the pages where those changed."""
        whole = r.whole_site("event.html")
        context = (keys.salt, keys.docs, keys.everything if whole else "")
        known = reuse.event_pages if reuse.in_memory and reuse.event_context == context else {}
        own = [keys.events[e.id] for e in events]
        n = len(events)
        given: list[tuple[str, ...]] = list(zip(
            own, ["", *own][:n], [*own[1:], ""][:n], [r.timeline_page(e) for e in events],
            strict=True))
        found = [
            seen[1] if (seen := known.get(path)) is not None and seen[0] == page
            else page_digest(keys, whole, path, list(page))
            for path, page in zip(event_paths, given, strict=True)]
        if reuse.in_memory:
            reuse.event_pages = dict(zip(event_paths, zip(given, found, strict=True),
                                         strict=True))
            reuse.event_context = context
        return dict(zip(event_paths, found, strict=True))

    made: list[dict[str, str]] = []

    def once() -> dict[str, str]:
        if not made:
            with r.making:
                if not made:
                    made.append(event_digests(r.keys))
        return made[0]

    found = _Digests(inputs, once)
    if reuse.in_memory:
        reuse.forget_pages_except(inputs)
    return SitePlan(_Plan(plan, events, event_index, r, found, inputs, reuse), found)


def _page_digest(r: _Renderer, whole_site: bool, given: tuple[object, ...],
                 more: Callable[[SiteKeys], Iterable[object]] | None) -> str:
    keys = r.keys
    return page_digest(keys, whole_site, *given, *(more(keys) if more is not None else ()))


def _source_inputs(doc_id: str, keys: SiteKeys) -> list[object]:
    """What a source page shows besides its document: the events citing it."""
    return [keys.documents[doc_id], [keys.events[e] for e in keys.citing.get(doc_id, ())]]


class _Digests(Mapping[str, str]):
    """A plan's digests, each made when first read: an event page's with every other event
    page's (see event_digests), any other page's alone. The dev server reloads a page
    after an edit once it has rendered that page, not every page's digest."""

    def __init__(self, inputs: Mapping[str, Callable[[], str] | None],
                 event_digests: Callable[[], dict[str, str]]) -> None:
        self._inputs = inputs
        self._event_digests = event_digests
        self._found: dict[str, str] = {}

    def __getitem__(self, path: str) -> str:
        found = self._found.get(path)
        if found is None:
            make = self._inputs[path]  # KeyError: not a path of the site
            if make is None:  # (kept once, in event_digests' own mapping)
                return self._event_digests()[path]
            found = self._found[path] = make()
        return found

    def __contains__(self, path: object) -> bool:
        return path in self._inputs

    def __iter__(self) -> Iterator[str]:
        return iter(self._inputs)

    def __len__(self) -> int:
        return len(self._inputs)


PAGE_VALUES = frozenset({"year", "years", "key_events", "pager", "events", "parent",
                         "year_links", "section_links", "event_card"})
"""Values of the pages showing cards that are theirs alone (not every page's)."""


@dataclass(frozen=True, slots=True)
class EventPages:
    """A site's event pages (event.html), one per event, each with its neighbours."""

    renderer: _Renderer
    events: tuple[Event, ...]
    """Every event, in timeline order."""
    index: Mapping[str, int]
    """Path of an event page -> its event's position in ``events``."""

    def page(self, path: str, event: Event, previous: Event | None, next: Event | None
             ) -> bytes:
        """The page at ``path`` of ``event``, between ``previous`` and ``next``."""
        return self.renderer.page("event.html", path, event=event, previous=previous,
                                  next=next)

    def portable(self) -> bool:
        """Whether the pages can be rendered elsewhere from their events, their timeline
        pages and the documents alone (standalone_event_pages): event.html (and what it
        extends and includes) shows neither the whole site nor event cards."""
        return not uses_any(self.renderer.env, "event.html", WHOLE_SITE | {"event_card"})

    def split(self) -> bool:
        """Whether the index is split: the timeline is shown by year and month pages."""
        return bool(self.renderer.parts)

    def cards_portable(self) -> bool:
        """Whether the cards of the timeline's pages can be made elsewhere, each from its
        event and the values every page shares (EventPages.card): _event.html (and what
        it includes) shows nothing of its page's own values, nor the whole site."""
        return not uses_any(self.renderer.env, "_event.html", WHOLE_SITE | PAGE_VALUES)

    def card(self, event: Event) -> bytes:
        """The card of ``event`` on the page that shows it in the timeline (place it
        first)."""
        return self.renderer.timeline_card(event)

    def documents(self) -> tuple[Document, ...]:
        """The documents the pages may show: without their text unless event.html (or what
        it extends and includes) may read it."""
        documents = self.renderer.timeline.documents
        if names_attribute(self.renderer.env, "event.html", "body"):
            return documents
        return tuple(dataclasses.replace(doc, body="") for doc in documents)

    def timeline_pages(self, events: Iterable[Event]) -> dict[str, str]:
        """Event id -> the page whose timeline shows it, for these events."""
        return {e.id: self.renderer.timeline_page(e) for e in events}

    def place(self, timeline_pages: Mapping[str, str]) -> None:
        """Note which pages show the events about to be rendered (from timeline_pages),
        forgetting the others."""
        self.renderer.placed.clear()
        self.renderer.placed.update(timeline_pages)


def standalone_event_pages(config: Config, theme: Theme, documents: tuple[Document, ...]
                           ) -> EventPages:
    """Event pages rendered away from the build (see EventPages.portable and
    timeline.offload): ``place`` their timeline pages before rendering them."""
    env = theme.environment()
    env.auto_reload = False
    timeline = Timeline(documents=documents, events=(), extractions={})
    keys = SiteKeys("", "", "", {}, {}, {}, {})  # for cards, which such pages do not show
    return EventPages(_Renderer(timeline, config, theme, env, Reuse(), keys), (), {})


def _template_place(exc: BaseException) -> tuple[Path | None, int | None]:
    """The template file and line an exception was raised in, as far as the traceback
    says (Jinja names each frame of a compiled template after its file and line)."""
    where: tuple[Path | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".js", ".css", ".j2", ".jinja")) and \
                Path(name).is_file():
            where = (Path(name), tb.tb_lineno)
        tb = tb.tb_next
    return where


def event_pages(render: Mapping[str, Callable[[], bytes]]) -> EventPages | None:
    """The event pages of a plan's ``render`` mapping (None for another mapping)."""
    return render.event_pages if isinstance(render, _Plan) else None


class _Plan(Mapping[str, Callable[[], bytes]]):
    """Path -> render function, in the order of ``paths``; an event page's function is
    made when asked for (a site has tens of thousands, and the dev server plans again on
    every edit)."""

    def __init__(self, fixed: dict[str, Callable[[], bytes]], events: tuple[Event, ...],
                 event_index: dict[str, int], renderer: _Renderer, digests: Mapping[str, str],
                 paths: Mapping[str, object], reuse: Reuse) -> None:
        self._fixed = fixed
        self._events = events
        self._index = event_index
        self._r = renderer
        self._digests = digests
        self._paths = paths
        self._reuse = reuse

    def __getitem__(self, path: str) -> Callable[[], bytes]:
        make = self._fixed.get(path)
        if make is None:
            i = self._index[path]  # KeyError: not a path of the site
            events = self._events
            make = functools.partial(
                self.event_pages.page, path, events[i], events[i - 1] if i > 0 else None,
                events[i + 1] if i + 1 < len(events) else None)
        if self._reuse.in_memory:
            return functools.partial(_remembered, self._reuse, path, self._digests[path], make)
        return make

    @functools.cached_property
    def event_pages(self) -> EventPages:
        """The site's event pages, which another process may render (timeline.offload)."""
        return EventPages(self._r, self._events, self._index)

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _remembered(reuse: Reuse, path: str, inputs: str, make: Callable[[], bytes]) -> bytes:
    found = reuse.page(path, inputs)
    if found is None:
        found = make()
        reuse.remember_page(path, inputs, found)
    return found


def plan_site(timeline: Timeline, config: Config, theme: Theme,
              env: jinja2.Environment | None = None) -> Mapping[str, Callable[[], bytes]]:
    """Every output path of the site, each with the function that renders its bytes (the
    dev server renders a page only when it is asked for; see timeline.serve). With ``env``,
    pages whose inputs did not change since the last plan with it come from memory."""
    reuse = memo_for(env) if env is not None else None
    return plan_pages(timeline, config, theme, env, reuse).render


class RenderedFiles(Mapping[str, bytes]):
    """The files of a plan, each rendered when asked for and not kept (so that a site far
    larger than memory streams through write_site)."""

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan

    def __getitem__(self, path: str) -> bytes:
        return self.plan.render[path]()

    def __iter__(self) -> Iterator[str]:
        return iter(self.plan.render)

    def __len__(self) -> int:
        return len(self.plan.render)


def render_site(timeline: Timeline, config: Config, theme: Theme,
                env: jinja2.Environment | None = None) -> SiteFiles:
    """Every page, asset and export of the site, as bytes keyed by output path."""
    return {path: make() for path, make in plan_pages(timeline, config, theme, env).render.items()}


__all__ = ["MONTH_ABBR", "EventPages", "RenderedFiles", "SiteFiles", "SitePlan", "event_pages",
           "event_path", "memo_for", "plan_pages", "plan_site", "render_site", "source_path",
           "standalone_event_pages"]
