"""Per-document extraction cache: JSON files keyed by content hash and extractor version."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path, PurePath
from typing import Any

from timeline.model import Document, Extraction

log = logging.getLogger(__name__)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates, enums and tuples to plain JSON values."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    encode = _ENCODERS.get(kind)
    if encode is None:
        encode = _ENCODERS[kind] = _encoder(kind)
    return encode(value)


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encoder(kind: type) -> Callable[[Any], Any]:
    """The encoding function for values of one type, worked out once (a cold build encodes
    millions of small values)."""
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
        return lambda value: {name: to_jsonable(getattr(value, name)) for name in names}
    if issubclass(kind, date):
        return kind.isoformat
    if issubclass(kind, IntEnum):
        return int
    if issubclass(kind, tuple | list):
        return lambda value: [v if type(v) in _JSON_SCALARS else to_jsonable(v) for v in value]
    if issubclass(kind, os.PathLike):
        return os.fspath
    return _same


def from_jsonable(kind: Any, value: Any) -> Any:
    """Rebuild a value of type ``kind`` (a dataclass, tuple, date, enum ...) from JSON."""
    return _decoder(kind)(value)


def _same(value: Any) -> Any:
    return value


@functools.cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """A decoding function for one type, worked out once from its hints (a warm build
    decodes tens of thousands of small records, so no introspection per value).

    Short strings are interned and small records of plain values (a DateSpan) shared:
    4,000 articles' extractions repeat the same notes, labels and dates hundreds of
    thousands of times, and one copy of each is a good part of the memory they take."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        inner = _decoder(options[0])
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        item = _decoder(typing.get_args(kind)[0])
        return lambda value: tuple([item(v) for v in value])
    if origin is typing.Literal or kind is str:
        return _short
    if kind is Any or origin is not None:
        return _same
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        plan = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(kind)]
        if all(_is_leaf(hints[name]) for name, _ in plan):
            names = [name for name, _ in plan]
            shared: dict[tuple[Any, ...], Any] = {}

            def leaf(value: Any) -> Any:
                key = tuple([value[n] for n in names])
                found = shared.get(key)
                if found is None:
                    if len(shared) >= 65_536:
                        shared.clear()
                    found = shared[key] = kind(*[f(value[n]) for n, f in plan])
                return found
            return leaf

        def record(value: Any) -> Any:  # a missing field raises KeyError: entry ignored
            return kind(*[f(value[n]) for n, f in plan])
        return record
    if kind is date:
        return _date
    if isinstance(kind, type) and issubclass(kind, IntEnum | PurePath):
        return kind
    return _same


def _short(value: Any) -> Any:
    return sys.intern(value) if type(value) is str and len(value) <= 64 else value


_date = functools.lru_cache(maxsize=16_384)(date.fromisoformat)


def _is_leaf(hint: Any) -> bool:
    """Whether a field holds a plain value (so records of such fields can be shared)."""
    if hint in (str, int, float, bool, date, type(None)):
        return True
    if isinstance(hint, type) and issubclass(hint, IntEnum):
        return True
    if typing.get_origin(hint) is typing.Literal:
        return True
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(_is_leaf(a) for a in typing.get_args(hint))
    return False


def entry_key(doc: Document, fingerprint: str) -> str:
    """The cache key of a document's extraction: content hash, id, published date and
    extractor fingerprint."""
    raw = f"{doc.digest}|{doc.id}|{doc.published}|{doc.published_from}|{fingerprint}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def write_entry(directory: Path, key: str, result: Extraction) -> None:
    """Write one cache entry atomically (best effort: a failure is logged, not raised).
    Safe to call from worker processes: each entry is its own file, renamed into place."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tag = directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                           "# timeline's extraction cache; safe to delete.\n")
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # dumps, not dump: only the one-shot encoder is the C one
            handle.write(json.dumps(to_jsonable(result), ensure_ascii=False,
                                    separators=(",", ":")))
        os.replace(tmp, directory / f"{key}.json")
    except OSError as exc:
        log.warning("could not write the extraction cache: %s", exc)


class ExtractionCache:
    """Extraction results on disk under ``.timeline-cache/``, and in memory for the session."""

    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.memory: dict[str, Extraction] = {}
        self.hits = 0
        self.misses = 0
        self._ids: dict[str, str] | None = None
        """The event id registry as last loaded or stored (read and written once a change)."""

    def key(self, doc: Document) -> str:
        """Content hash + document id + extractor version and settings."""
        return entry_key(doc, self.fingerprint)

    def lookup(self, doc: Document) -> Extraction | None:
        """The cached extraction of ``doc``, from memory or disk, or None (counted)."""
        key = self.key(doc)
        found = self.memory.get(key) or self._load(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self.memory[key] = found
        return found

    def remember(self, doc: Document, result: Extraction) -> None:
        """Keep, in memory only, a result already written to disk (by write_entry in a
        worker process)."""
        self.memory[self.key(doc)] = result

    def _load(self, key: str) -> Extraction | None:
        if self.directory is None:
            return None
        path = self.directory / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            loaded = from_jsonable(Extraction, data)
            assert isinstance(loaded, Extraction)
            return loaded
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AssertionError) as exc:
            log.debug("ignoring a damaged cache entry %s: %s", path.name, exc)
            return None

    def load_ids(self) -> dict[str, str]:
        """The citation-key -> event-id map of the previous build (see timeline.ids)."""
        if self._ids is not None:
            return dict(self._ids)
        if self.directory is None:
            return {}
        try:
            data = json.loads((self.directory / "ids.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        self._ids = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return dict(self._ids)

    def store_ids(self, registry: dict[str, str]) -> None:
        """Remember this build's event ids (best effort; not rewritten when unchanged)."""
        if registry == self._ids:
            return
        self._ids = dict(registry)
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(registry, sort_keys=True))  # the C encoder
            os.replace(tmp, self.directory / "ids.json")
        except OSError as exc:
            log.warning("could not write the event id registry: %s", exc)

    def prune(self, keep: set[str]) -> int:
        """Delete the extraction entries whose key is not in ``keep`` (the keys of the
        current documents), and temporary files left by an interrupted write; return how
        many. Other files of the folder (ids, pages, stamp, templates) are not touched."""
        if self.directory is None or not self.directory.is_dir():
            return 0
        removed = 0
        for path in self.directory.iterdir():
            name = path.name
            stale = (_ENTRY.fullmatch(name) is not None and name[:-5] not in keep) or (
                name.startswith(".tmp-") and name.endswith(".json"))
            if stale and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        for key in [k for k in self.memory if k not in keep]:
            del self.memory[key]
        return removed


_ENTRY = re.compile(r"[0-9a-f]{32}\.json")
"""The file name of an extraction entry."""


def clear(directory: Path) -> bool:
    """Remove a cache folder; True when there was one."""
    if directory.is_dir() and (directory / "CACHEDIR.TAG").exists():
        shutil.rmtree(directory)
        return True
    return False

