"""What each page depends on, as digests (the inputs timeline.pieces compares).

- Every page: the salt (timeline's code and version, the configuration, the theme files
  and options) and the metadata of every document (titles, outlets, dates, front matter),
  which any template may show through ``docs``.
- An event page: its event, the documents it cites, and its two neighbours.
- A source page: its document and the events citing its sentences.
- A page whose templates use ``timeline`` (or the index's ``events``, ``years`` or
  ``key_events``): everything.

A document's text appears on its own source page and in the events citing it; a template
that shows ``docs[id].body`` elsewhere is not tracked.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import jinja2
import jinja2.meta
import jinja2.nodes
import markdown_it

from timeline.config import Config
from timeline.digest import digest, modules_digest, plain
from timeline.model import Document, Event, Timeline
from timeline.theme import FILTERS, Theme

WHOLE_SITE = frozenset({"timeline", "events", "years", "key_events"})
"""Template variables that make a page depend on every event and document."""


RENDER_MODULES = ("__init__", "config", "dates", "digest", "errors", "export", "feeds", "ical",
                  "model", "offload", "output", "pagekeys", "pagevalues", "parallel", "pickles",
                  "pieces", "plaintext", "render", "theme", "timelinejs", "urls")
"""The modules rendering imports (a test checks the list): the code the pages depend on."""


def code_digest() -> str:
    """A hash of the rendering code, so that an upgrade never reuses stale pages."""
    return f"{modules_digest(RENDER_MODULES)}|{jinja2.__version__}|{markdown_it.__version__}"


def theme_digest(theme: Theme) -> str:
    """The theme's files (path, size and modification time) and options."""
    h = hashlib.sha256(repr(theme.options).encode())
    for folder in (*theme.dirs, theme.default_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = path.stat()
                h.update(f"{path}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return h.hexdigest()


_BARE = jinja2.Environment()
_BARE.filters.update(FILTERS)


@functools.cache
def _parse(source: str) -> jinja2.nodes.Template:
    return _BARE.parse(source)


def _closure(env: jinja2.Environment, name: str) -> list[jinja2.nodes.Template] | None:
    """A template and every template it extends, includes or imports, parsed; None when
    one cannot be known (a name computed at render time, a missing or broken file)."""
    found: list[jinja2.nodes.Template] = []
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            assert env.loader is not None
            ast = _parse(env.loader.get_source(env, current)[0])
        except (jinja2.TemplateError, AssertionError):
            return None  # the render reports the problem
        found.append(ast)
        referenced = list(jinja2.meta.find_referenced_templates(ast))
        if None in referenced:
            return None
        todo += [r for r in referenced if r is not None]
    return found


def uses_whole_site(env: jinja2.Environment, name: str) -> bool:
    """Whether a template, or one it extends or includes, uses a whole-site variable."""
    return uses_any(env, name, WHOLE_SITE)


def uses_any(env: jinja2.Environment, name: str, variables: Collection[str]) -> bool:
    """Whether a template, or one it extends or includes, uses one of ``variables`` (True
    when that cannot be told)."""
    closure = _closure(env, name)
    try:
        return closure is None or any(
            not jinja2.meta.find_undeclared_variables(ast).isdisjoint(variables)
            for ast in closure)
    except jinja2.TemplateError:  # (a filter this bare parse does not know, say): the
        return True  # render says what is wrong, if anything


def names_attribute(env: jinja2.Environment, name: str, attribute: str) -> bool:
    """Whether a template, or one it extends or includes, may read ``attribute`` of some
    value: as ``x.attribute``, or as a string anywhere (``x["attribute"]``, ``attr()``).
    True when that cannot be told."""
    closure = _closure(env, name)
    return closure is None or any(
        (isinstance(node, jinja2.nodes.Getattr) and node.attr == attribute)
        or (isinstance(node, jinja2.nodes.Const) and node.value == attribute)
        for ast in closure for node in ast.find_all((jinja2.nodes.Getattr, jinja2.nodes.Const)))


def prints_cards_as_they_are(env: jinja2.Environment, name: str) -> bool:
    """Whether every ``event_card(...)`` in a template (and those it uses) is printed as it
    is, ``{{ event_card(event) }}``, with no filter or expression around it."""
    closure = _closure(env, name)
    if closure is None:
        return False
    for ast in closure:
        calls = [c for c in ast.find_all(jinja2.nodes.Call)
                 if isinstance(c.node, jinja2.nodes.Name) and c.node.name == "event_card"]
        printed = [n for out in ast.find_all(jinja2.nodes.Output) for n in out.nodes
                   if isinstance(n, jinja2.nodes.Call) and isinstance(n.node, jinja2.nodes.Name)
                   and n.node.name == "event_card"]
        if len(calls) != len(printed):
            return False
    return True


@dataclass(frozen=True, slots=True)
class SiteKeys:
    """The digests pages and pieces are compared by."""

    salt: str
    """Code, version, configuration and theme."""
    docs: str
    """The metadata of every document."""
    everything: str
    """Every event and document (for pages that show the whole site)."""
    events: dict[str, str]
    """Event id -> its digest, with the documents it cites."""
    documents: dict[str, str]
    """Document id -> its digest (its bytes and metadata)."""
    citing: dict[str, tuple[str, ...]]
    """Document id -> the ids of the events citing it."""
    counts: dict[str, int]
    """Event id -> how many documents report it (its salience)."""


def _doc_meta(doc: Document) -> str:
    fields = {f: getattr(doc, f) for f in doc.__slots__ if f not in ("body", "meta", "digest")}
    return digest(fields, repr(dict(doc.meta)))


class KeyMemo:
    """Digests of the documents and events of the previous plan, by object identity.

    The dev server's rebuilds hand back the very same (frozen) objects for what did not
    change, so their digests are looked up instead of computed again. Each plan keeps only
    the objects it saw (and holds them, so an id is never reused while it is a key).
    """

    def __init__(self) -> None:
        self.docs: dict[int, tuple[Document, str]] = {}
        self.events: dict[int, _EventKey] = {}
        self.documents: dict[str, str] = {}
        """Document id -> digest, as the last plan made them."""

    def doc_meta(self, doc: Document, seen: dict[int, tuple[Document, str]]) -> str:
        found = self.docs.get(id(doc))
        value = found[1] if found is not None and found[0] is doc else _doc_meta(doc)
        seen[id(doc)] = (doc, value)
        return value


@dataclass(slots=True)
class _EventKey:
    event: Event
    cited: tuple[str, ...]
    """The ids of the documents it cites, in order."""
    own: str
    """The digest of the event alone."""
    inputs: list[str]
    """The digests of the cited documents ``key`` was made with."""
    key: str
    """The digest of the event and the documents it cites."""


def site_keys(timeline: Timeline, config: Config, theme: Theme,
              memo: KeyMemo | None = None) -> SiteKeys:
    """Every digest of a site, computed once per build (with ``memo``, only for the
    documents and events that are not the objects of the previous plan)."""
    memo = memo or KeyMemo()
    seen_docs: dict[int, tuple[Document, str]] = {}
    seen_events: dict[int, _EventKey] = {}
    salt = digest(code_digest(), repr(config), theme_digest(theme))
    meta = {doc.id: memo.doc_meta(doc, seen_docs) for doc in timeline.documents}
    documents = {doc.id: digest(meta[doc.id], doc.digest) for doc in timeline.documents}
    docs = digest(sorted(meta.items()))
    citing: dict[str, list[str]] = defaultdict(list)
    events: dict[str, str] = {}
    counts: dict[str, int] = {}
    known = memo.events
    last = memo.documents
    # Documents whose digest moved since the last plan: a remembered event citing none of
    # them keeps its key (the dev server's rebuilds, where most events are remembered).
    moved = {d for d, v in documents.items() if last.get(d) != v}
    moved.update(d for d in last if d not in documents)
    for event in timeline.events:
        found = known.get(id(event))
        if found is None or found.event is not event:
            cited = tuple(dict.fromkeys(c.document for c in event.citations))
            found = _EventKey(event, cited, digest(plain(event)), [], "")
        if not found.key or not moved.isdisjoint(found.cited):
            inputs = [documents.get(d, d) for d in found.cited]
            if inputs != found.inputs or not found.key:
                found.inputs, found.key = inputs, digest(found.own, inputs)
        seen_events[id(event)] = found
        events[event.id] = found.key
        counts[event.id] = len(found.cited)
        for d in found.cited:
            citing[d].append(event.id)
    memo.docs, memo.events, memo.documents = seen_docs, seen_events, documents
    everything = digest(docs, sorted(documents.values()), list(events.values()))
    return SiteKeys(salt, docs, everything, events, documents,
                    {d: tuple(ids) for d, ids in citing.items()}, counts)


def page_digest(keys: SiteKeys, whole_site: bool, *inputs: object) -> str:
    """The digest of a page made from ``inputs`` (besides the salt and the documents)."""
    return digest(keys.salt, keys.docs, keys.everything if whole_site else "", *inputs)


def event_keys(keys: SiteKeys, events: Iterable[Event | None]) -> list[str]:
    """The digests of some events ("" for None)."""
    return [keys.events[e.id] if e is not None else "" for e in events]


__all__ = ["KeyMemo", "SiteKeys", "code_digest", "event_keys", "page_digest",
           "prints_cards_as_they_are",
           "site_keys", "theme_digest", "uses_whole_site"]
