"""Tell, cheaply, that a build would change nothing.

A build's output is a function of the documents' bytes and dates, the configuration, the
theme files and the version of timeline. The stamp is a hash of all of them; with it we
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
from timeline.errors import Problem
from timeline.model import Document
from timeline.theme import Theme

NAME = "build-stamp.json"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the last successful build was made from, and what it printed."""

    digest: str
    documents: int
    events: int
    merged: int
    warnings: tuple[Problem, ...]


def compute(config: Config, theme: Theme, docs: Iterable[Document], fingerprint: str,
            strict: bool) -> str:
    """The hash of everything a build's output depends on."""
    h = hashlib.sha256()
    h.update(f"{__version__}|{fingerprint}|{strict}|{config!r}|{theme.options!r}".encode())
    for folder in (*theme.dirs, theme.default_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                h.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    for doc in docs:
        h.update(f"{doc.id}|{doc.digest}|{doc.published}|{doc.published_from}|".encode())
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
        for rel, (size, mtime) in data["files"].items():
            stat = os.stat(out_dir / rel)
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                return None
        return Stamp(digest, data["documents"], data["events"], data["merged"],
                     tuple(_problem(p) for p in data["warnings"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(cache_dir: Path, out_dir: Path, stamp: Stamp, files: Iterable[str]) -> None:
    """Remember a successful build (best effort: without it the next build just works)."""
    try:
        record = {}
        for rel in files:
            stat = os.stat(out_dir / rel)
            record[rel] = [stat.st_size, stat.st_mtime_ns]
        data = {"digest": stamp.digest, "output": str(out_dir), "files": record,
                "documents": stamp.documents, "events": stamp.events, "merged": stamp.merged,
                "warnings": [{"path": p.path.as_posix() if p.path else None, "line": p.line,
                              "message": p.message, "severity": p.severity, "hint": p.hint}
                             for p in stamp.warnings]}
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, cache_dir / NAME)
    except OSError:
        return


def forget(cache_dir: Path) -> None:
    """Drop the stamp (the next build does all its work)."""
    try:
        (cache_dir / NAME).unlink()
    except OSError:
        return
