"""Reuse between builds: pages whose inputs did not change, and pieces of composite files.

Every page has a digest of its inputs (timeline.pagekeys). A page whose digest is the one
the last build recorded, and whose file in output/ still has the size, modification time
and inode that build left, is neither rendered nor written again.

A composite file (the index, events.json, the calendar, the feed) is literal text with one
piece per event in between. Each piece has a key (the digest of its event and of the
documents it cites) and the file a context (the digest of what every piece shares). The
next build copies each piece whose key and context are unchanged out of the previous file,
so an edit renders only the pieces of the events it changed.

The previous files come from output/ (a ``timeline build``), or from memory (the dev
server keeps one Reuse, and so its last pages, for as long as its Jinja environment).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from timeline.output import FileStat
from timeline.pagekeys import KeyMemo

T = TypeVar("T")
Lookup = Callable[[str], bytes | memoryview | None]
"""A piece's bytes from the previous build by key (a view into that file's bytes), or None."""
PageEntry = Sequence[object]
"""``[digest, size, mtime_ns, inode]`` of a file the last build wrote (see timeline.stamp)."""


@dataclass(frozen=True, slots=True)
class PieceIndex:
    """Where the pieces of one composite file are."""

    context: str
    """The digest of everything the pieces share; pieces are reused only under the same."""
    keys: Sequence[str]
    """The key of each piece, in file order."""
    spans: Sequence[int]
    """Offset and length (bytes) of each piece in turn: two numbers per key."""


@dataclass(frozen=True, slots=True)
class Record:
    """What the last build wrote to output/."""

    pages: Mapping[str, PageEntry] = field(default_factory=dict)
    """Output path -> ``[digest, size, mtime_ns, inode]``; the digest is "" for a file that
    is always made again."""
    pieces: Mapping[str, PieceIndex] = field(default_factory=dict)
    """Output path of a composite file -> where its pieces are."""


class Composer:
    """Assemble a composite file from text and keyed pieces, recording where each lands."""

    def __init__(self, context: str, previous: Lookup) -> None:
        self.context = context
        self.previous = previous
        self.buffer = io.BytesIO()
        """The file so far: one growing buffer rather than a list of tens of thousands of
        pieces joined at the end, which left that many small blocks in this process's heap
        (and twice the file in memory while joined)."""
        self.size = 0
        self.keys: list[str] = []
        self.spans: list[int] = []

    def text(self, text: str) -> None:
        """Literal text."""
        data = text.encode("utf-8")
        self.buffer.write(data)
        self.size += len(data)

    def piece(self, key: str, make: Callable[[], str | bytes]) -> None:
        """One piece: copied from the previous build when its key is there, else made (as
        text, or as bytes made elsewhere)."""
        data: bytes | memoryview | None = self.previous(key)
        if data is None:
            made = make()
            data = made if isinstance(made, bytes) else made.encode("utf-8")
        self.keys.append(key)
        self.spans += (self.size, len(data))
        self.buffer.write(data)
        self.size += len(data)

    def pieces(self, items: Iterable[T], key: Callable[[T], str], make: Callable[[T], str],
               separator: str = "") -> None:
        """One piece per item, ``separator`` between: each copied from the previous build
        when its key is there, else ``make(item)``."""
        sep = separator.encode("utf-8")
        previous, write, keys, spans = self.previous, self.buffer.write, self.keys, self.spans
        size = self.size
        for i, item in enumerate(items):
            if i and sep:
                write(sep)
                size += len(sep)
            k = key(item)
            data: bytes | memoryview | None = previous(k)
            if data is None:
                data = make(item).encode("utf-8")
            keys.append(k)
            spans += (size, len(data))
            write(data)
            size += len(data)
        self.size = size

    def result(self) -> tuple[bytes, PieceIndex]:
        """The file's bytes and where its pieces are."""
        return self.buffer.getvalue(), PieceIndex(self.context, self.keys, self.spans)


def _no_piece(key: str) -> None:
    return None


class Reuse:
    """What the last build left that this one may take instead of rendering again."""

    def __init__(self, out_dir: Path | None = None, record: Record | None = None,
                 in_memory: bool = False) -> None:
        self.out_dir = out_dir
        self._root = f"{out_dir}{os.sep}"
        self.record = record or Record()
        """The last build's files in ``out_dir`` (from timeline.stamp)."""
        self.in_memory = in_memory
        self.pages: dict[str, tuple[str, bytes]] = {}
        """Path -> digest and bytes of the page last rendered in memory."""
        self.composites: dict[str, tuple[bytes, PieceIndex]] = {}
        """Path -> bytes and pieces of the composite file last rendered in memory."""
        self.noted: dict[str, PieceIndex] = {}
        """The pieces of the composite files rendered by this build (for its record)."""
        self.keys = KeyMemo()
        """Digests of the last plan's documents and events, by identity."""
        self.event_pages: dict[str, tuple[tuple[str, ...], str]] = {}
        """Event page path -> its inputs (its event's and neighbours' digests, and the page
        that shows it in the timeline) and its page digest, as the last plan in memory made
        them (under ``event_context``)."""
        self.event_context: tuple[str, ...] = ()
        self.templates: dict[tuple[str, str], bool] = {}
        """(question, template) -> answer, for the environment this reuse belongs to."""

    def on_disk(self, path: str) -> FileStat | None:
        """The stat the last build recorded for ``path``, if the file still has it."""
        entry = self.record.pages.get(path)
        if entry is None or self.out_dir is None:
            return None
        try:
            info = os.stat(self._root + path)
        except OSError:
            return None
        found = (info.st_size, info.st_mtime_ns, info.st_ino)
        return found if (entry[1], entry[2], entry[3]) == found else None

    def unchanged_on_disk(self, path: str, digest: str) -> FileStat | None:
        """The file's stat when output/ holds ``path`` as the last build wrote it from the
        same inputs (``digest``), else None."""
        entry = self.record.pages.get(path)
        if not digest or entry is None or entry[0] != digest:
            return None
        return self.on_disk(path)

    def page(self, path: str, digest: str) -> bytes | None:
        """A page rendered earlier in this process from the same inputs."""
        found = self.pages.get(path)
        return found[1] if digest and found is not None and found[0] == digest else None

    def remember_page(self, path: str, digest: str, data: bytes) -> None:
        """Keep a page for the next build in this process."""
        if self.in_memory and digest:
            self.pages[path] = (digest, data)

    def forget_pages_except(self, paths: Collection[str]) -> None:
        """Drop the pages kept in memory for paths a new plan no longer has."""
        for path in [p for p in self.pages if p not in paths]:
            del self.pages[path]

    def pieces(self, path: str, context: str) -> Lookup:
        """The previous build's pieces of ``path`` if they were made under ``context``."""
        kept = self.composites.get(path)
        recorded = self.record.pieces.get(path)
        if kept is None and recorded is not None and recorded.context == context:
            found = self._read(path)
            kept = (found, recorded) if found is not None else None
        if kept is None:
            return _no_piece
        data, index = kept
        if index.context != context or len(index.spans) != 2 * len(index.keys):
            return _no_piece
        where = {k: i for i, k in enumerate(index.keys)}
        spans = index.spans
        view = memoryview(data)  # slices of a view are not copies

        def lookup(key: str) -> memoryview | None:
            i = where.get(key)
            if i is None:
                return None
            start = spans[2 * i]
            return view[start:start + spans[2 * i + 1]]

        return lookup

    def _read(self, path: str) -> bytes | None:
        """The file the last build wrote at ``path``, if it is still as that build left it."""
        expected = self.on_disk(path)
        if expected is None:
            return None
        try:
            with open(self._root + path, "rb") as handle:
                info = os.fstat(handle.fileno())
                if (info.st_size, info.st_mtime_ns, info.st_ino) != expected:
                    return None
                return handle.read()
        except OSError:
            return None

    def note(self, path: str, data: bytes, index: PieceIndex) -> None:
        """Remember where the pieces of a composite file just rendered are."""
        self.noted[path] = index
        if self.in_memory:
            self.composites[path] = (data, index)


__all__ = ["Composer", "PieceIndex", "Record", "Reuse"]
