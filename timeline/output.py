"""Commit a rendered site to output/: all or nothing, never outside it, deleting only our files.

Files are taken one at a time (a lazy mapping renders each when asked), written to a
staging folder inside output/ and dropped from memory; only when every file is staged are
they renamed into place. A file that fails to render leaves output/ as it was: the
staging folder is removed, and output/ too if this build made it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from timeline.errors import OutputError, problem
from timeline.model import Progress

log = logging.getLogger(__name__)

MANIFEST = ".timeline-manifest.json"
STAGING_PREFIX = ".timeline-staging-"

FileStat = tuple[int, int, int]
"""Size, modification time (ns) and inode of a file as a build left it."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What writing the site changed on disk."""

    written: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]
    stats: Mapping[str, FileStat] = field(default_factory=dict)
    """The size, mtime and inode of every file written or found unchanged (not of those
    the caller asked to keep)."""


def file_stat(info: os.stat_result) -> FileStat:
    """The parts of a stat result that tell whether a file was touched since."""
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _refuse(rel: str, why: str) -> OutputError:
    return OutputError([problem(None, None, f"refusing to write {why}: {rel!r}")])


_MISSING, _PRESENT = 1, 2
"""A folder under the output folder that does not exist yet, or that is a real folder."""


class _Guard:
    """Checks output paths against one output folder, resolving it once and each folder
    below it at most once (a folder that is a link is resolved; others cost one lstat)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.base = os.fspath(out_dir)
        self.root = out_dir.resolve()
        self._folders: dict[str, int] = {"": _PRESENT}
        """Folder (relative POSIX path) -> _MISSING or _PRESENT (links escaping raise)."""

    def target(self, rel: str) -> Path:
        """The file for ``rel``; raise OutputError if it would escape the output folder."""
        return Path(self.path(rel))

    def path(self, rel: str) -> str:
        """The file for ``rel`` as a string; raise OutputError if it would escape."""
        if (not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel
                or any(part in ("", ".", "..") for part in rel.split("/"))):
            raise _refuse(rel, "outside the output folder")
        target = os.path.join(self.base, rel)
        if self._folder(rel.rpartition("/")[0], rel) == _MISSING:
            return target
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            return target
        except OSError as exc:
            raise OutputError([problem(Path(target), None, f"cannot write the site: {exc}")]) \
                from exc
        if stat.S_ISLNK(mode):
            raise _refuse(rel, "through a link that leaves the output folder")
        if stat.S_ISDIR(mode):
            raise OutputError([problem(Path(target), None, "cannot write the site: a folder is "
                                       "where a file goes", "remove or rename that folder")])
        return target

    def first_missing(self, rel: str) -> str | None:
        """The highest folder of ``rel`` that is not in the output folder (as found when
        ``path(rel)`` checked it), or None when the file's folder exists."""
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i])
            if self._folders.get(folder) == _MISSING:
                return folder
        return None

    def _folder(self, folder: str, rel: str) -> int:
        known = self._folders.get(folder)
        if known is not None:
            return known
        parent = self._folder(folder.rpartition("/")[0], rel)
        state = _MISSING
        if parent == _PRESENT:
            path = os.path.join(self.base, folder)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:  # made when the site is committed
                mode = 0
            except OSError as exc:
                raise OutputError([problem(Path(path), None, f"cannot write the site: {exc}")]) \
                    from exc
            if stat.S_ISLNK(mode):
                if not (Path(path).resolve().is_relative_to(self.root) and os.path.isdir(path)):
                    raise _refuse(rel, "through a link that leaves the output folder")
                state = _PRESENT
            elif stat.S_ISDIR(mode):
                state = _PRESENT
            elif mode:
                raise OutputError([problem(Path(path), None, "cannot write the site: a file is "
                                           "where a folder goes", "remove or rename that file")])
        self._folders[folder] = state
        return state


def safe_target(out_dir: Path, rel: str) -> Path:
    """The file for ``rel`` inside ``out_dir``; raise OutputError if it would escape."""
    return _Guard(out_dir).target(rel)


def read_manifest(out_dir: Path) -> set[str]:
    """Files that our previous build wrote (and so may delete)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(p) for p in data.get("files", []) if isinstance(p, str)}
    except (OSError, ValueError, AttributeError):
        return set()


def _same_file(target: str, data: bytes) -> FileStat | None:
    """The stat of ``target`` when it is a regular file holding exactly ``data``."""
    try:
        info = os.stat(target)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return None
        with open(target, "rb") as handle:
            return file_stat(info) if handle.read() == data else None
    except OSError:
        return None


Staged = str
"""Where a file waits in the staging folder (at its place in the site, under that folder):
"" when its folder is in the output folder already (the file moves in alone), else the
highest folder of its place that is not (moved in whole, with everything staged in it).
Its two paths are made again when it moves, rather than kept until then for every file
(34,000 pairs of strings at 4,000 articles, ten times as many at 40,000)."""


class Stager:
    """Puts files in a staging folder inside the output folder, skipping those already on
    disk with the same bytes. The staging folder mirrors the site, so that a folder new to
    output/ (every event's, in a first build) is moved in whole instead of file by file."""

    def __init__(self, out_dir: Path, staging: str | None = None) -> None:
        self.out_dir = out_dir
        self.guard = _Guard(out_dir)
        self.staging = staging
        self.made: set[str] = set()
        """Folders made in the staging tree."""

    def folder(self) -> str:
        """The staging folder, made on first use."""
        if self.staging is None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self.staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out_dir)
        return self.staging

    def stage(self, rel: str, data: bytes) -> tuple[FileStat, Staged | None]:
        """The file's stat, and where it waits (None when output/ holds it already)."""
        target = self.guard.path(rel)
        missing = self.guard.first_missing(rel)
        same = _same_file(target, data) if missing is None else None
        if same is not None:
            return same, None
        staging = self.folder()
        folder = rel.rpartition("/")[0]
        if folder and folder not in self.made:
            os.makedirs(os.path.join(staging, folder), exist_ok=True)
            while folder and folder not in self.made:
                self.made.add(folder)
                folder = folder.rpartition("/")[0]
        tmp = os.path.join(staging, rel)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, 0o644)
            return file_stat(os.fstat(fd)), missing or ""
        finally:
            os.close(fd)


class Helper(Protocol):
    """Files staged by another process while write_site stages the rest (see
    timeline.offload)."""

    @property
    def paths(self) -> Collection[str]:
        """The files it stages."""

    def start(self, out_dir: Path, staging: str) -> None:
        """Begin staging ``paths`` into ``staging``."""

    @property
    def given(self) -> int:
        """How many of its paths it was given so far."""

    def take_back(self) -> Iterable[str]:
        """Paths it was not given yet, for the caller to stage, a few at a time (taken as
        the iteration goes on, while it goes on being given others)."""

    def finish(self) -> list[tuple[str, FileStat, Staged | None]]:
        """Wait for it: every path it staged, with its stat and where it waits; raise what
        it met."""

    def stop(self) -> None:
        """Stop it, staged or not (write_site failed)."""


def write_site(files: Mapping[str, bytes], out_dir: Path, keep: Collection[str] = (),
               progress: Progress | None = None, helper: Helper | None = None
               ) -> WriteReport:
    """Write changed files (staged, then renamed), then remove our stale files.

    Paths in ``keep`` are on disk as this build would write them: they are neither asked
    for nor touched, and stay in the manifest. ``progress`` hears of every file (each
    rendered when asked for, so this is the build's longest stage). ``helper`` stages its
    paths (none in ``keep``) meanwhile, in another process; once this one is done with the
    others, it stages those the helper has not begun."""
    previous = read_manifest(out_dir)
    made_out_dir = not out_dir.exists()
    _remove_stale_staging(out_dir)
    stager = Stager(out_dir)
    staged: list[tuple[str, Staged]] = []
    stats: dict[str, FileStat] = {}
    elsewhere: Collection[str] = ()
    try:
        if helper is not None and helper.paths:
            staging = stager.folder()
            try:
                helper.start(out_dir, staging)
                elsewhere = helper.paths
            except OSError as exc:  # no second process: every page is made here
                log.warning("cannot start a helper process (%s): writing every page in this "
                            "one", exc)
        todo = sorted(files)
        working = helper if helper is not None and elsewhere else None
        own = 0
        """Files taken here so far (the helper's count as it is given them)."""
        for rel in todo:
            if rel in elsewhere:
                continue
            if progress is not None:
                progress("writing", own + (working.given if working else 0), len(todo))
            own += 1
            if rel in keep:
                continue
            stats[rel], waiting = stager.stage(rel, files[rel])
            if waiting is not None:
                staged.append((rel, waiting))
        if working is not None:
            for rel in working.take_back():
                if progress is not None:
                    progress("writing", own + working.given, len(todo))
                own += 1
                stats[rel], waiting = stager.stage(rel, files[rel])
                if waiting is not None:
                    staged.append((rel, waiting))
            for rel, found, waiting in working.finish():
                stats[rel] = found
                if waiting is not None:
                    staged.append((rel, waiting))
        moved: set[str] = set()
        staging, base = stager.staging or "", stager.guard.base
        for rel, missing in staged:
            if not missing:  # (its place was checked when it was staged: Stager.stage)
                os.replace(os.path.join(staging, rel), os.path.join(base, rel))
            elif missing not in moved:  # a new folder: in with everything staged in it
                os.rename(os.path.join(staging, missing), os.path.join(base, missing))
                moved.add(missing)
    except BaseException as exc:
        if helper is not None and elsewhere:
            helper.stop()
        if stager.staging is not None:
            shutil.rmtree(stager.staging, ignore_errors=True)
        if made_out_dir:
            _remove_if_empty(out_dir)
        if isinstance(exc, OSError):
            raise OutputError([problem(out_dir, None, f"cannot write the site: {exc}")]) \
                from exc
        raise
    if progress is not None:
        progress("writing", len(files), len(files))
    if stager.staging is not None:
        shutil.rmtree(stager.staging, ignore_errors=True)
    deleted = []
    guard = stager.guard
    for rel in sorted(previous - set(files)):
        try:
            path = guard.target(rel)
        except OutputError:
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink()
            deleted.append(rel)
            _remove_empty_parents(path.parent, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_if_changed(out_dir / MANIFEST, manifest_text(sorted(files)))
    return WriteReport(tuple(rel for rel, _ in staged), len(files) - len(staged),
                       tuple(deleted), stats)


STALE_STAGING = 3600.0
"""Seconds after which a staging folder nobody touched is a killed build's (``kill -9``,
a power cut): the next build removes it. One of a build under way (``timeline serve``
writing while ``timeline build`` runs) is younger: 40,000 articles write in minutes."""


def _remove_stale_staging(out_dir: Path) -> None:
    """Remove the staging folders that builds killed before they could clean up left in
    the output folder (they would otherwise be published with the site)."""
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        try:
            if (entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime > STALE_STAGING):
                shutil.rmtree(entry.path, ignore_errors=True)
                log.info("removed %s, left by a build that was stopped", entry.path)
        except OSError:
            continue


def manifest_text(files: list[str]) -> str:
    """``json.dumps({"generator": "timeline", "files": files}, indent=0) + "\\n"``, without
    the standard library's slow indenting encoder."""
    listed = "[\n" + ",\n".join(map(_json_string, files)) + "\n]" if files else "[]"
    return '{\n"generator": "timeline",\n"files": ' + listed + "\n}\n"


_json_string = json.encoder.encode_basestring_ascii  # json.dumps' default ensure_ascii=True


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, ValueError):
        pass
    path.write_text(text, encoding="utf-8")


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        return


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
    guard = _Guard(out_dir)
    for rel in sorted(read_manifest(out_dir)):
        try:
            path = guard.target(rel)
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


__all__ = ["MANIFEST", "FileStat", "Helper", "Staged", "Stager", "WriteReport", "file_stat",
           "read_manifest", "remove_site", "safe_target", "write_site"]
