"""The frozen data types that the pipeline stages pass to each other."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from pathlib import PurePosixPath
from typing import Literal

from timeline.errors import Problem

PublishedFrom = Literal["front-matter", "dateline", "inferred", "override", "none"]
ResolvedBy = Literal["absolute", "published-date", "previous-date", "unresolved"]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


class Precision(IntEnum):
    """How fine a date is, coarsest first (the order score-events uses)."""

    DECADE = 0
    YEAR = 1
    HALF = 2
    QUARTER = 3
    SEASON = 4
    MONTH = 5
    WEEK = 6
    DAY = 7

    @property
    def label(self) -> str:
        """The lower-case name used in events.json."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A stretch of calendar days and how precisely the text gave it."""

    start: date
    """First day the text allows."""
    end: date
    """Last day the text allows (inclusive)."""
    precision: Precision
    """The finest unit the text states; never finer."""
    approximate: bool = False
    """True for "about", "early 2022", "days before", "in the coming months"."""
    modifier: str | None = None
    """``early``, ``mid`` or ``late`` when the text said so (for labels)."""

    def contains(self, other: DateSpan) -> bool:
        """True when ``other`` lies inside this span."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: DateSpan) -> bool:
        """True when the two spans share at least one day."""
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True, slots=True)
class Document:
    """One source article as read from ``content/``."""

    id: str
    """Path under ``content/`` without the extension, POSIX style: the citation key."""
    path: PurePosixPath
    """Path under ``content/`` with the extension."""
    title: str
    """Front matter ``title``, else the first line of the body, else the id."""
    source: str | None
    """The outlet (front matter ``source``)."""
    url: str | None
    """The original article (front matter ``url``; only http and https are kept)."""
    published: date | None
    """The date relative expressions are resolved against."""
    published_from: PublishedFrom
    """Where ``published`` came from."""
    published_note: str
    """How it was found, in words, for the site and ``timeline explain``."""
    language: str
    """Front matter ``language``, else the site's first date language."""
    tags: tuple[str, ...]
    """Front matter ``tags``."""
    draft: bool
    """Drafts are read but not published unless the config says so."""
    format: Literal["markdown", "text"]
    """Markdown (``.md``, ``.markdown``) or plain text (``.txt``)."""
    body: str
    """The text after any front matter, exactly as in the file (newlines normalised)."""
    body_line: int
    """1-based line of the file where ``body`` starts."""
    digest: str
    """sha256 of the raw bytes: the cache key."""
    meta: Mapping[str, object] = field(default_factory=dict)
    """All front matter keys as parsed."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document body, with where it is."""

    document: str
    """The document id."""
    index: int
    """0-based position among the document's sentences (the anchor ``#s<index>``)."""
    text: str
    """The sentence exactly as in the body."""
    start: int
    """Offset of the first character in the body."""
    end: int
    """Offset after the last character in the body."""
    line: int
    """1-based line in the file (front matter counted)."""
    block: int
    """0-based paragraph (or heading, or list item) the sentence belongs to."""
    heading: bool = False
    """True for a title, heading or other short line that is not running text."""
    item: bool = False
    """True in a list item or a table row."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A time expression found in a sentence, and what it resolved to."""

    sentence: int
    """Index of the sentence it is in."""
    text: str
    """The expression exactly as written."""
    start: int
    """Offset in the document body."""
    end: int
    """Offset after the last character in the document body."""
    timex_type: TimexType
    """TimeML type: DATE, TIME, DURATION or SET."""
    value: str
    """TIMEX3-style value: 2026-02-01, 2025-12, 2022-W43, 2023-SP, P3Y, XXXX-XX-XX."""
    span: DateSpan | None
    """The calendar span, for DATE and TIME expressions that resolved."""
    resolved_by: ResolvedBy
    """Whether the text gave the date, or what it was anchored to."""
    anchor: date | None = None
    """The date a relative expression was resolved against."""
    note: str = ""
    """How it was resolved, in words (``timeline explain``)."""
    planned: bool = False
    """True for a future, not yet happened, period ("will meet in April or May")."""
    dateline: bool = False
    """True for the date of a dateline ("MOSCOW, Feb 2 --"): the report's date."""
    dates_event: bool = True
    """False when the expression cannot date a happening ("since the beginning of the year")."""


@dataclass(frozen=True, slots=True)
class Citation:
    """Where an event is reported: a document and the exact sentence."""

    document: str
    """The document id."""
    sentence: int
    """Index of the sentence that gives the date."""
    line: int
    """1-based line of that sentence in the file."""
    quote: str
    """The sentence, exactly."""
    date_text: str = ""
    """The time expression that dated the event in this sentence."""
    date_note: str = ""
    """How that expression was resolved."""
    context: str | None = None
    """The neighbouring sentence (or headline) describing the happening, when the
    dated sentence only carries the date ("The meeting took place on Sunday.")."""
    context_sentence: int | None = None
    """Index of that neighbouring sentence, or None for the headline."""


@dataclass(frozen=True, slots=True)
class Event:
    """One happening, with its date and every citation that reports it."""

    id: str
    """Stable id, used in URLs (``events/<id>.html``)."""
    date: DateSpan | None
    """The most precise date its sources support, or None if undated."""
    title: str
    """A short plain title made from the reporting sentence."""
    summary: str
    """The reporting sentence (with its context when it had one)."""
    citations: tuple[Citation, ...]
    """Every report of it, in document order."""
    planned: bool = False
    """A future happening announced by the text."""
    actors: tuple[str, ...] = ()
    """Names found in its sentences, for filters and merging."""
    merge_notes: tuple[str, ...] = ()
    """Why reports were merged into this event (``timeline explain``)."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document: what the cache stores."""

    sentences: tuple[Sentence, ...]
    """The document's sentences."""
    mentions: tuple[Mention, ...]
    """Every time expression, in order."""
    events: tuple[Event, ...]
    """Event candidates, before merging across documents."""
    problems: tuple[Problem, ...] = ()
    """Warnings found while extracting (for example, nothing to anchor relatives to)."""


@dataclass(frozen=True, slots=True)
class Timeline:
    """The whole site's content after merging, ready to render."""

    documents: tuple[Document, ...]
    """Published documents, sorted by id."""
    events: tuple[Event, ...]
    """Merged events, oldest first, undated last."""
    extractions: Mapping[str, Extraction]
    """Per-document extraction, by document id (for source pages)."""
    problems: tuple[Problem, ...] = ()
    """Warnings and errors found on the way."""


Progress = Callable[[str, int, int], None]
"""Told how a build goes: its stage ("extracting", "merging", "writing"), how much of it is
done and how much there is (articles, or files)."""
