"""Commit a rendered site to output/: all or nothing, never outside it, deleting only our files."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from timeline.errors import OutputError, problem

log = logging.getLogger(__name__)

MANIFEST = ".timeline-manifest.json"


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What writing the site changed on disk."""

    written: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]


def safe_target(out_dir: Path, rel: str) -> Path:
    """The file for ``rel`` inside ``out_dir``; raise OutputError if it would escape."""
    pure = PurePosixPath(rel)
    if (not rel or pure.is_absolute() or "\\" in rel or "\x00" in rel
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise OutputError([problem(None, None, f"refusing to write outside the output folder: "
                                   f"{rel!r}")])
    target = out_dir.joinpath(*pure.parts)
    root = out_dir.resolve()
    if not target.parent.resolve().is_relative_to(root) or (
            target.is_symlink() or (target.exists() and not target.resolve().is_relative_to(root))):
        raise OutputError([problem(None, None, f"refusing to write through a link that leaves "
                                   f"the output folder: {rel!r}")])
    return target


def read_manifest(out_dir: Path) -> set[str]:
    """Files that our previous build wrote (and so may delete)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(p) for p in data.get("files", []) if isinstance(p, str)}
    except (OSError, ValueError, AttributeError):
        return set()


def write_site(files: Mapping[str, bytes], out_dir: Path) -> WriteReport:
    """Write changed files (temp file, then rename), then remove our stale files."""
    targets = {rel: safe_target(out_dir, rel) for rel in sorted(files)}
    previous = read_manifest(out_dir)
    staged: list[tuple[str, str, Path]] = []
    unchanged = 0
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for rel, target in targets.items():
            data = files[rel]
            try:
                if target.is_file() and target.stat().st_size == len(data) and (
                        target.read_bytes() == data):
                    unchanged += 1
                    continue
            except OSError:
                pass
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-timeline-")
            staged.append((rel, tmp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    except OSError as exc:
        for _, tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError([problem(out_dir, None, f"cannot write the site: {exc}")]) from exc
    for _, tmp, target in staged:
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    deleted = []
    for rel in sorted(previous - set(files)):
        try:
            path = safe_target(out_dir, rel)
        except OutputError:
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink()
            deleted.append(rel)
            _remove_empty_parents(path.parent, out_dir)
    manifest = json.dumps({"generator": "timeline", "files": sorted(files)}, indent=0)
    (out_dir / MANIFEST).write_text(manifest + "\n", encoding="utf-8")
    return WriteReport(tuple(rel for rel, _, _ in staged), unchanged, tuple(deleted))


def _remove_empty_parents(folder: Path, out_dir: Path) -> None:
    root = out_dir.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def remove_site(out_dir: Path) -> list[str]:
    """Delete the files our builds wrote (per the manifest), and the manifest; keep the rest."""
    removed = []
    for rel in sorted(read_manifest(out_dir)):
        try:
            path = safe_target(out_dir, rel)
        except OutputError:
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(rel)
            _remove_empty_parents(path.parent, out_dir)
    (out_dir / MANIFEST).unlink(missing_ok=True)
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()
    return removed
