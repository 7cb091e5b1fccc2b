"""Stage 1, read: find the articles under content/ and parse their front matter."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml

from timeline.config import Config
from timeline.errors import Problem, problem, warning
from timeline.model import Document, PublishedFrom
from timeline.temporal import infer_published

log = logging.getLogger(__name__)

EXTENSIONS: dict[str, Literal["markdown", "text"]] = {
    ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
KNOWN_KEYS = {"title", "source", "url", "published", "date", "language", "tags", "draft",
              "author", "description", "summary"}
MAX_BYTES = 20 * 1024 * 1024
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
NUL_TOLERATED = 16
"""Up to this many stray NUL bytes in otherwise valid UTF-8 are removed with a warning."""


_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader, minus implicit timestamps: ``published: 2026-02-30`` stays text
    so that it is reported as a bad date on its own line instead of failing the whole
    front matter with a bare ValueError."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()}


def discover(content_dir: Path, problems: list[Problem] | None = None) -> list[Path]:
    """Every .md, .markdown and .txt file under ``content_dir``, sorted; hidden ones skipped.

    Symbolic links to folders are followed (people link in a folder of articles), each real
    folder once, so a link loop is reported and cut instead of walked forever. Links that
    lead nowhere are reported and skipped.
    """
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    notes = problems if problems is not None else []
    for root, dirs, files in os.walk(content_dir, followlinks=True):
        try:
            info = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            notes.append(warning(Path(root), None, "symbolic link loop: this folder was "
                                 "already read, skipped", "remove the link"))
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or path.suffix.lower() not in EXTENSIONS:
                continue
            if path.is_symlink() and not path.exists():
                notes.append(warning(path, None, "symbolic link that leads nowhere (or to "
                                     "itself), skipped"))
                continue
            if not path.is_file():  # reading a pipe waits forever, /dev/zero never ends
                notes.append(warning(path, None, "not a regular file (a pipe, a socket or a "
                                     "device), skipped"))
                continue
            found.append(path)
    return found


def document_id(rel: PurePosixPath) -> str:
    """The citation key: the path under content/ without its extension."""
    return rel.with_suffix("").as_posix()


def split_front_matter(text: str, shown: PurePosixPath) -> tuple[str | None, str, int,
                                                                   Problem | None]:
    """Split ``---`` YAML front matter from the body: (yaml, body, body_line, problem)."""
    if not re.match(r"---[ \t]*\n", text):
        return None, text, 1, None
    for match in _FENCE.finditer(text, 4):
        yaml_text = text[4:match.start()]
        body_start = match.end() + 1 if text[match.end():match.end() + 1] == "\n" else match.end()
        return yaml_text, text[body_start:], text.count("\n", 0, body_start) + 1, None
    return None, text, 1, problem(shown, 1, "front matter is not closed",
                                  "add a line with only '---' after the front matter")


def _first_alias(yaml_text: str) -> int | None:
    """The file line of the front matter's first alias (``*name``), None if none. Aliases
    share their value, so a few lines of them make a list of a billion items ("billion
    laughs") that reading tags or a title would walk for ever."""
    try:
        for event in yaml.parse(yaml_text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 2 if event.start_mark else 2
    except yaml.YAMLError:
        return None  # the load below reports it
    return None


def parse_front_matter(yaml_text: str, shown: PurePosixPath) -> tuple[dict[str, Any],
                                                                       list[Problem]]:
    """Parse the YAML front matter into a mapping, with problems located by line."""
    if "*" in yaml_text and "&" in yaml_text:
        alias = _first_alias(yaml_text)
        if alias is not None:
            return {}, [problem(shown, alias, "front matter: YAML aliases (*name) are not "
                                "read", "write the value out where it is used")]
    try:
        data = yaml.load(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        message = f"front matter: {exc.problem}"
        if exc.context_mark is not None and exc.context_mark.line + 2 != line:
            message += f" ({exc.context} on line {exc.context_mark.line + 2})"
        hint = "quote values that contain ':'" if "mapping values" in str(exc.problem) else None
        return {}, [problem(shown, line, message, hint)]
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        return {}, [problem(shown, 2, f"front matter: {exc}")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [problem(shown, 2, "front matter must be a mapping of keys to values, "
                            f"not {type(data).__name__}", "write it as 'key: value' lines")]
    return {str(k): v for k, v in data.items()}, []


PUBLISHED_YEARS = (1000, 2999)
"""The years a published date may fall in: dates counted from one near the ends of the
calendar (0001-01-01, 9999-12-31) would leave it."""


def plausible(published: dt.date) -> bool:
    """Whether ``published`` falls in PUBLISHED_YEARS."""
    return PUBLISHED_YEARS[0] <= published.year <= PUBLISHED_YEARS[1]


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _line_of_key(yaml_text: str, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", yaml_text, re.MULTILINE)
    return yaml_text.count("\n", 0, match.start()) + 2 if match else 2


def _text_field(meta: Mapping[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def _fields(meta: dict[str, Any], yaml_text: str, shown: PurePosixPath,
            problems: list[Problem]) -> dict[str, Any]:
    """Validate the known front matter keys; warn about unknown ones."""
    for key in sorted(set(meta) - KNOWN_KEYS):
        problems.append(warning(shown, _line_of_key(yaml_text, key),
                                f"unknown front matter key '{key}'",
                                "known keys: " + ", ".join(sorted(KNOWN_KEYS))))
    out: dict[str, Any] = {}
    raw_date = meta.get("published", meta.get("date"))
    if raw_date is not None:
        published = _as_date(raw_date)
        key = "published" if "published" in meta else "date"
        if published is None:
            problems.append(problem(shown, _line_of_key(yaml_text, key),
                                    f"'{key}' is not a date: {str(raw_date)[:40]!r}",
                                    "write it as YYYY-MM-DD"))
        elif not plausible(published):
            problems.append(problem(shown, _line_of_key(yaml_text, key),
                                    f"'{key}' is out of range: {published.isoformat()}",
                                    f"articles are dated from {PUBLISHED_YEARS[0]} to "
                                    f"{PUBLISHED_YEARS[1]}"))
            published = None
        out["published"] = published
    url = _text_field(meta, "url")
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        problems.append(warning(shown, _line_of_key(yaml_text, "url"),
                                f"url dropped: only http and https links are kept ({url[:40]!r})"))
        url = None
    out["url"] = url
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t for t in re.split(r"[,\s]+", tags) if t]
    if not isinstance(tags, list):
        problems.append(warning(shown, _line_of_key(yaml_text, "tags"),
                                "'tags' should be a list", "write tags: [a, b]"))
        tags = []
    out["tags"] = tuple(" ".join(str(t).split()) for t in tags if str(t).strip())
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(warning(shown, _line_of_key(yaml_text, "draft"),
                                "'draft' should be true or false"))
        draft = bool(draft)
    out["draft"] = draft
    return out


def _first_line(body: str) -> str | None:
    for line in body.splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            return text[:200]
    return None


def _looks_binary(head: bytes) -> bool:
    """Many control characters: an image or a program, not text in a legacy encoding."""
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    return controls > max(2, len(head) // 20)


def decode(raw: bytes, shown: PurePosixPath) -> tuple[str | None, Problem | None]:
    """Bytes to text: UTF-8 (BOM allowed), refusing binary files."""
    nuls = raw.count(b"\x00")
    if nuls > NUL_TOLERATED:
        return None, problem(shown, None, "binary file (it contains NUL bytes), skipped",
                             "only UTF-8 text articles are read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if nuls or _looks_binary(raw[:8192]):
            return None, problem(shown, None, "binary file (not text), skipped",
                                 "only UTF-8 text articles are read")
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, problem(shown, line, f"not UTF-8 text (byte {raw[exc.start]:#04x})",
                             "save the file as UTF-8")
    note = None
    if nuls:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        note = warning(shown, line, f"{nuls} NUL byte{'s' if nuls > 1 else ''} removed")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""), note


def read_document(path: Path, content_dir: Path, config: Config,
                  raw: bytes | None = None) -> tuple[Document | None, list[Problem]]:
    """Read one article; return it (or None when unreadable) and its problems."""
    rel = PurePosixPath(path.relative_to(content_dir).as_posix())
    shown = PurePosixPath(os.path.relpath(path, config.site_dir)).as_posix()
    shown_path = PurePosixPath(shown)
    problems: list[Problem] = []
    if raw is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                return None, [problem(shown_path, None, f"file is larger than "
                                      f"{MAX_BYTES // 2**20} MB, skipped")]
            raw = path.read_bytes()
        except OSError as exc:
            return None, [problem(shown_path, None, f"cannot read file: {exc.strerror}")]
    text, bad = decode(raw, shown_path)
    if text is None:
        return None, [bad] if bad else []
    if bad:
        problems.append(bad)
    yaml_text, body, body_line, bad = split_front_matter(text, shown_path)
    if bad:
        problems.append(bad)
    meta: dict[str, Any] = {}
    if yaml_text is not None:
        meta, found = parse_front_matter(yaml_text, shown_path)
        problems.extend(found)
    fields = _fields(meta, yaml_text or "", shown_path, problems)
    if not body.strip():
        problems.append(warning(shown_path, body_line, "document has no text"))
    published: dt.date | None = fields.get("published")
    published_from: PublishedFrom = "front-matter" if published else "none"
    note = "from the front matter" if published else ""
    if published is None:
        published, inferred_from, note = infer_published(body, config.dates)
        published_from = inferred_from
    language = _text_field(meta, "language") or config.dates.languages[0]
    doc = Document(
        id=document_id(rel), path=rel,
        title=_text_field(meta, "title") or _first_line(body) or document_id(rel),
        source=_text_field(meta, "source"), url=fields["url"], published=published,
        published_from=published_from, published_note=note, language=language,
        tags=fields["tags"], draft=fields["draft"], format=EXTENSIONS[path.suffix.lower()],
        body=body, body_line=body_line, digest=hashlib.sha256(raw).hexdigest(), meta=meta,
    )
    return doc, problems
