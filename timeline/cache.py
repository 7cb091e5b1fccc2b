"""Per-document extraction cache: one file per document, keyed by content hash and extractor
version, holding its extraction as restricted pickle bytes (see timeline.pickles)."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from timeline import pickles
from timeline.model import Document, Extraction

log = logging.getLogger(__name__)


def entry_key(doc: Document, fingerprint: str) -> str:
    """The cache key of a document's extraction: content hash, id, published date and
    extractor fingerprint."""
    raw = f"{doc.digest}|{doc.id}|{doc.published}|{doc.published_from}|{fingerprint}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def write_entry(directory: Path, key: str, data: bytes) -> None:
    """Write one cache entry (an Extraction as pickles.dumps() gives it) atomically (best
    effort: a failure is logged, not raised). Safe to call from worker processes: each
    entry is its own file, written under a name of this process's own, then renamed into
    place."""
    folder = os.fspath(directory)
    try:
        if folder not in _READY:
            _prepare(directory)
        try:
            tmp = _write_new(folder, data)
        except FileNotFoundError:  # the folder went away since (timeline clean)
            _READY.discard(folder)
            _prepare(directory)
            tmp = _write_new(folder, data)
        os.replace(tmp, os.path.join(folder, key + ENTRY_SUFFIX))
    except OSError as exc:
        log.warning("could not write the extraction cache: %s", exc)


_READY: set[str] = set()
"""The cache folders this process made sure exist, with their tag (a cold build writes
thousands of entries: checking each time cost a third of writing one)."""

_SERIAL = itertools.count()


def _prepare(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                       "# timeline's extraction cache; safe to delete.\n")
    _READY.add(os.fspath(directory))


def _write_new(folder: str, data: bytes) -> str:
    """``data`` in a new temporary file of ``folder`` (a name prune() knows); its path."""
    try:  # a name of this process's own: no random names to try
        tmp = os.path.join(folder, f".tmp-{os.getpid()}-{next(_SERIAL)}{ENTRY_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # left by an earlier process of the same pid
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=ENTRY_SUFFIX)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


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
        path = self.directory / f"{key}{ENTRY_SUFFIX}"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.debug("ignoring an unreadable cache entry %s: %s", path.name, exc)
            return None
        try:
            loaded = pickles.loads(data)
        except Exception as exc:  # damaged bytes fail in many ways; all mean "extract again"
            log.debug("ignoring a damaged cache entry %s: %s", path.name, exc)
            return None
        if not isinstance(loaded, Extraction):
            log.debug("ignoring a cache entry %s that holds no extraction", path.name)
            return None
        return loaded

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
            entry = _ENTRY.fullmatch(name)
            # (JSON entries are those of timeline versions before the pickle format)
            stale = (entry is not None and (entry[1] not in keep or entry[2] == ".json")) or (
                name.startswith(".tmp-") and name.endswith((ENTRY_SUFFIX, ".json")))
            if stale and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        for key in [k for k in self.memory if k not in keep]:
            del self.memory[key]
        return removed


ENTRY_SUFFIX = ".pickle"
_ENTRY = re.compile(r"([0-9a-f]{32})(\.pickle|\.json)")
"""The file name of an extraction entry: its key and suffix."""


def clear(directory: Path) -> bool:
    """Remove a cache folder; True when there was one."""
    if directory.is_dir() and (directory / "CACHEDIR.TAG").exists():
        shutil.rmtree(directory)
        return True
    return False

