"""Tell, cheaply, that a build would change nothing.

A build's output is a function of the documents' bytes and dates, the configuration, the
theme files and timeline's code. The stamp is a hash of all of them; with it we
keep the size and modification time of every file written. When the stamp of a new build
equals the stored one and every written file is still as we left it, the site on disk is
already what the build would write (as make decides from timestamps), so the build stops
after reading the documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from timeline import __version__
from timeline.config import Config
from timeline.digest import modules_digest
from timeline.errors import Problem
from timeline.output import FileStat
from timeline.pagekeys import code_digest, theme_digest
from timeline.pieces import PieceIndex, Record
from timeline.theme import Theme

NAME = "build-stamp.json"

MERGE_MODULES = ("cache", "groups", "ids", "merge", "publish", "similarity", "stamp")
"""The modules a build imports besides those the extraction fingerprint and the rendering
digest cover (a test checks the list): a change to how events merge, or get their ids,
changes the output too."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the last successful build was made from, and what it printed."""

    digest: str
    documents: int
    events: int
    merged: int
    warnings: tuple[Problem, ...]


def compute(config: Config, theme: Theme, files: Iterable[tuple[str, str]], fingerprint: str,
            strict: bool) -> str:
    """The hash of everything a build's output depends on: the content files (each path
    with a digest of its bytes), the configuration, the theme and timeline itself."""
    h = hashlib.sha256()
    h.update(f"{__version__}|{fingerprint}|{strict}|{config!r}|{theme_digest(theme)}|"
             f"{code_digest()}|{modules_digest(MERGE_MODULES)}".encode())
    for path, digest in files:
        h.update(f"{path}\0{digest}\0".encode())
    return h.hexdigest()


def _problem(data: Mapping[str, Any]) -> Problem:
    return Problem(path=PurePosixPath(data["path"]) if data["path"] else None,
                   line=data["line"], message=data["message"], severity=data["severity"],
                   hint=data["hint"])


def unchanged(cache_dir: Path, out_dir: Path, digest: str) -> Stamp | None:
    """The stored stamp when it equals ``digest`` and output/ is as the build left it."""
    try:
        data = json.loads((cache_dir / NAME).read_text(encoding="utf-8"))
        if data["digest"] != digest or data["output"] != str(out_dir):
            return None
        base = f"{out_dir}{os.sep}"
        for rel, (size, mtime) in data["files"].items():
            stat = os.stat(base + rel)
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                return None
        return Stamp(digest, data["documents"], data["events"], data["merged"],
                     tuple(_problem(p) for p in data["warnings"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(cache_dir: Path, out_dir: Path, stamp: Stamp, stats: Mapping[str, FileStat]) -> None:
    """Remember a successful build and the files it left (best effort: without it the next
    build just works)."""
    data = {"digest": stamp.digest, "output": str(out_dir),
            "files": {rel: [size, mtime] for rel, (size, mtime, _) in stats.items()},
            "documents": stamp.documents, "events": stamp.events, "merged": stamp.merged,
            "warnings": [{"path": p.path.as_posix() if p.path else None, "line": p.line,
                          "message": p.message, "severity": p.severity, "hint": p.hint}
                         for p in stamp.warnings]}
    _store_json(cache_dir, NAME, data)


def forget(cache_dir: Path) -> None:
    """Drop the stamp (the next build does all its work)."""
    try:
        (cache_dir / NAME).unlink()
    except OSError:
        return


PAGES = "pages.json"
"""The per-page record: each file's input digest, stat and pieces (see timeline.pieces)."""
KEY_LENGTH = 32
"""Piece keys are hex digests of this length, stored end to end in one string."""


def load_pages(cache_dir: Path, out_dir: Path) -> Record:
    """What the last build wrote to ``out_dir`` (nothing when unknown)."""
    try:
        data = json.loads((cache_dir / PAGES).read_text(encoding="utf-8"))
        if data.get("version") != 1 or data.get("output") != str(out_dir):
            return Record()
        pieces = {}
        for path, p in data["pieces"].items():
            keys = p["keys"]
            pieces[path] = PieceIndex(p["context"], [keys[i:i + KEY_LENGTH] for i in range(
                0, len(keys), KEY_LENGTH)], p["spans"])
        pages = data["pages"]
        if not all(isinstance(entry, list) and len(entry) == 4 for entry in pages.values()):
            return Record()
        return Record(pages, pieces)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Record()


def store_pages(cache_dir: Path, out_dir: Path, digests: Mapping[str, str],
                stats: Mapping[str, FileStat], pieces: Mapping[str, PieceIndex]) -> None:
    """Remember what this build wrote, each file's digest with its stat (best effort:
    without it the next renders everything)."""
    data = {"version": 1, "output": str(out_dir),
            "pages": {path: [digest, *stats[path]] for path, digest in digests.items()},
            "pieces": {path: {"context": p.context, "keys": "".join(p.keys),
                              "spans": list(p.spans)}
                       for path, p in pieces.items()
                       if all(len(k) == KEY_LENGTH for k in p.keys)}}
    _store_json(cache_dir, PAGES, data)


_SLICE = 1 << 20
"""Characters of a record written at a time: encoded whole, the page record of 40,000
articles (100 MB) was in memory twice, at the moment the build is largest."""


def _store_json(cache_dir: Path, name: str, data: Any) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, separators=(",", ":"))  # one call: the C encoder
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for start in range(0, len(text), _SLICE):
                handle.write(text[start:start + _SLICE])
        os.replace(tmp, cache_dir / name)
    except OSError:
        return
