"""The orchestrator: the pipeline on one screen, read -> extract -> merge -> render -> write."""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from timeline import pickles, stamp
from timeline.cache import ExtractionCache, entry_key, write_entry
from timeline.config import Config
from timeline.digest import modules_digest
from timeline.documents import EXTENSIONS, MAX_BYTES, discover, read_document
from timeline.errors import BuildFailed, Problem, problem, warning
from timeline.events import extract_events
from timeline.ids import IdState, assign_ids
from timeline.merge import Merger
from timeline.model import Document, Extraction, Progress, Timeline
from timeline.offload import Spare
from timeline.output import WriteReport
from timeline.parallel import default_jobs, extract_many
from timeline.publish import render_and_write
from timeline.sentences import split_sentences
from timeline.temporal import EXTRACTOR_VERSION, Settings, find_document_mentions
from timeline.theme import load_theme

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    timeline: Timeline
    files: Mapping[str, bytes]
    """The site's files, each rendered when read."""
    written: WriteReport | None
    seconds: float
    cache_hits: int = 0
    cache_misses: int = 0
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    unchanged: stamp.Stamp | None = None
    """Set when nothing changed since the last build, which therefore wrote nothing."""
    stages: tuple[tuple[str, float], ...] = ()
    """Seconds spent in each stage, in order: ``read`` (the check whether anything changed
    included), ``extract`` (the cache's lookups included), ``merge`` (the merge, the ids and
    the problems), ``write`` (rendering and writing, and storing what the next build
    compares against). A build that found nothing changed has ``read`` only."""


def extract(doc: Document, settings: Settings) -> Extraction:
    """Stages 2-4 for one document: sentences, time expressions, event candidates."""
    sentences = split_sentences(doc)
    exact = doc.published_from in ("front-matter", "dateline", "override")
    mentions = find_document_mentions(sentences, doc.published, settings, exact)
    return Extraction(sentences, mentions, extract_events(doc, sentences, mentions))


def _unanchored(doc: Document, extraction: Extraction, config: Config) -> list[Problem]:
    """One warning per document whose relative dates stay unresolved for want of a date."""
    if doc.published is not None or not any(m.resolved_by == "unresolved"
                                            for m in extraction.mentions):
        return []
    shown = config.content_dir.joinpath(*doc.path.parts)
    if shown.is_relative_to(config.site_dir):
        shown = shown.relative_to(config.site_dir)
    first = next(m for m in extraction.mentions if m.resolved_by == "unresolved")
    return [warning(shown, extraction.sentences[first.sentence].line,
                    f"no published date, so relative dates such as '{first.text}' stay "
                    "unresolved", "add 'published: YYYY-MM-DD' to the front matter")]


def in_english(doc: Document) -> bool:
    """Whether a document is in English, by its ``language`` (else the site's first)."""
    return doc.language.lower().replace("_", "-").split("-")[0] in ("en", "eng", "english")


def _not_english(docs: Sequence[Document], config: Config) -> list[Problem]:
    """One warning for all the documents in another language than English: besides full
    dates ("1er février 2026", see lexicon.FOREIGN_MONTHS), numeric dates ("2026-02-01")
    and years, the time expressions timeline finds are English ones, so an event there may
    be missing or only dated to its year."""
    other = [d for d in docs if not in_english(d)]
    if not other:
        return []
    shown = ", ".join(config.content_dir.name + "/" + d.path.as_posix() for d in other[:3])
    more = f" and {len(other) - 3} more" if len(other) > 3 else ""
    languages = ", ".join(sorted({d.language for d in other}))
    return [warning(None, None, f"{len(other)} document{'s' if len(other) != 1 else ''} not in "
                    f"English ({shown}{more}; {languages}): only full dates ('1er février "
                    "2026', '1. Februar 2026'), numeric dates and years are read there, so "
                    "events may be missing or dated only to the year",
                    "timeline reads other time expressions in English only")]


def _shown(path: PurePath | None, config: Config) -> PurePath | None:
    """A path as problems show it: relative to the site folder when inside it."""
    if isinstance(path, Path) and path.is_absolute() and path.is_relative_to(config.site_dir):
        return path.relative_to(config.site_dir)
    return path


Folders = tuple[tuple[str, int, int, int], ...]
"""Every folder a discovery walks: path, device, inode and mtime."""


@dataclass(slots=True)
class ReadMemo:
    """What the dev server remembers of content/ from one rebuild to the next."""

    files: dict[Path, tuple[tuple[int, int, int], tuple[Document | None, list[Problem]]]] = \
        field(default_factory=dict)
    """Documents read earlier, by path, with the size, mtime and inode they had."""
    tree: tuple[Folders, list[Path]] | None = None
    """The folders of the last discovery and the files it found, when it can be trusted to
    stay the same while the folders do (no links among the files, no problems)."""


_RACY_NS = 2_000_000_000
"""A file modified this recently may change again within its mtime's granularity (network
drives keep seconds), so it is read again next time rather than trusted (git's "racy" rule)."""


def _folders(content_dir: Path) -> Folders | None:
    """The folders discover() walks, as they are now; None when one changed too recently to
    be trusted, or cannot be read. A folder's mtime moves whenever a file in it is created,
    removed or renamed, so the same folders mean the same files."""
    found = []
    seen: set[tuple[int, int]] = set()
    now = time.time_ns()
    for root, dirs, _ in os.walk(content_dir, followlinks=True):
        try:
            info = os.stat(root)
        except OSError:
            return None
        if (info.st_dev, info.st_ino) in seen or now - info.st_mtime_ns <= _RACY_NS:
            return None  # a link loop (discover reports it), or a folder just changed
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        found.append((root, info.st_dev, info.st_ino, info.st_mtime_ns))
    return tuple(found)


def _discover(config: Config, memo: ReadMemo | None, found: list[Problem]) -> list[Path]:
    """discover(), or with ``memo`` the files it found last time if no folder changed."""
    if memo is None:
        return discover(config.content_dir, found)
    folders = _folders(config.content_dir)
    if folders is not None and memo.tree is not None and memo.tree[0] == folders:
        return memo.tree[1]
    paths = discover(config.content_dir, found)
    trusted = folders is not None and not found and not any(p.is_symlink() for p in paths)
    memo.tree = (folders, paths) if trusted and folders is not None else None
    return paths


def _read_one(path: Path, config: Config, memo: ReadMemo | None
              ) -> tuple[Document | None, list[Problem]]:
    """read_document, skipped when ``memo`` holds the file with the same size and mtime."""
    if memo is None:
        return read_document(path, config.content_dir, config)
    try:
        info = path.stat()
    except OSError:
        return read_document(path, config.content_dir, config)
    key = (info.st_size, info.st_mtime_ns, info.st_ino)
    known = memo.files.get(path)
    if known is not None and known[0] == key:
        return known[1]
    result = read_document(path, config.content_dir, config)
    if time.time_ns() - info.st_mtime_ns > _RACY_NS:
        memo.files[path] = (key, result)
    else:
        memo.files.pop(path, None)
    return result


def _missing_content_hint(config: Config) -> str:
    """What to do when content/ is missing, naming articles lying in the site folder."""
    try:
        loose = sorted(p.name for p in config.site_dir.iterdir()
                       if p.is_file() and p.suffix.lower() in EXTENSIONS
                       and p.name.lower() not in ("readme.md", "license.md", "changelog.md"))
    except OSError:
        loose = []
    if loose and config.content_dir.parent == config.site_dir:
        shown = ", ".join(loose[:3]) + (f" and {len(loose) - 3} more" if len(loose) > 3 else "")
        return (f"{config.site_dir} holds articles directly ({shown}): move them into "
                f"{config.content_dir.name}/, or point content_dir in timeline.toml at them")
    return "put your articles in content/ or set content_dir"


def read_documents(config: Config, memo: ReadMemo | None = None,
                   raw: dict[Path, bytes] | None = None
                   ) -> tuple[list[Document], list[Problem]]:
    """Stage 1 for the whole site: every readable document, and every problem found.

    With ``memo`` (the dev server's), files whose size and mtime did not change are not
    read again, and content/ is not searched again when none of its folders changed."""
    problems: list[Problem] = []
    return list(iter_documents(config, problems, memo, raw)), problems


def iter_documents(config: Config, problems: list[Problem], memo: ReadMemo | None = None,
                   raw: dict[Path, bytes] | None = None) -> Iterator[Document]:
    """read_documents() a document at a time, each problem added to ``problems`` as it is
    found: a build extracts the first documents while it reads the others. A file's bytes
    in ``raw`` (read already) are taken out of it as they are used."""
    if not config.content_dir.is_dir():
        problems.append(problem(config.content_dir, None, "content folder not found",
                                _missing_content_hint(config)))
        return
    seen: dict[str, Document] = {}
    found: list[Problem] = []
    paths = _discover(config, memo, found)
    problems += [dataclasses.replace(p, path=_shown(p.path, config)) for p in found]
    if memo is not None and len(memo.files) > len(paths):
        for gone in memo.files.keys() - set(paths):
            del memo.files[gone]
    for path in paths:
        known = raw.pop(path, None) if raw is not None else None  # (the text is the doc's now)
        doc, found = _read_one(path, config, memo) if known is None else read_document(
            path, config.content_dir, config, raw=known)
        problems.extend(found)
        if doc is None:
            continue
        if doc.id in seen:
            problems.append(problem(path.relative_to(config.site_dir) if path.is_relative_to(
                config.site_dir) else path, None, f"two documents have the id '{doc.id}': "
                f"{seen[doc.id].path} and {doc.path}", "rename one of them"))
            continue
        seen[doc.id] = doc
        if doc.draft and not config.drafts:
            continue
        yield doc


def _code_digest() -> str:
    """A hash of the extraction code itself, so that upgrading timeline never reuses stale
    cache entries even when EXTRACTOR_VERSION was not bumped."""
    return modules_digest(_EXTRACTION_MODULES)[:12]


_EXTRACTION_MODULES = ("model", "dates", "lexicon", "patterns", "regex_starts", "temporal",
                       "anchors", "resolve_calendar", "resolve_relative", "resolve_lengths",
                       "sentences", "events", "plaintext", "similarity", "documents", "build",
                       "pickles")


def settings_fingerprint(config: Config) -> str:
    """What, besides the text, changes extraction results."""
    return (f"v{EXTRACTOR_VERSION}|{_code_digest()}|{','.join(config.dates.languages)}|"
            f"{config.dates.date_order}")


def extract_all(docs: Iterable[Document], config: Config, cache: ExtractionCache,
                jobs: int | None = None, progress: Progress | None = None,
                arrived: Callable[[Document, Extraction], object] | None = None,
                extracting: Callable[[int], object] | None = None
                ) -> dict[str, Extraction]:
    """Stages 2-4 for every document: from the cache, else computed on every core (the
    first ones while the next are still being read, when ``docs`` is an iterator).
    ``arrived`` hears of each computed extraction as it comes in, while the workers go on;
    ``extracting`` hears how many are to be computed so far, as each is found (before it
    is computed)."""
    run = functools.partial(extract_and_store, settings=Settings.from_config(config.dates),
                            directory=cache.directory, fingerprint=cache.fingerprint)
    found: dict[str, Extraction] = {}
    order: list[str] = []

    def missing() -> Iterator[Document]:
        count = 0
        for doc in docs:
            order.append(doc.id)
            hit = cache.lookup(doc)
            if hit is not None:
                found[doc.id] = hit
                continue
            count += 1
            if extracting is not None:
                extracting(count)
            yield doc

    def receive(doc: Document, data: bytes) -> Extraction:
        extraction: Extraction = pickles.loads(data)
        cache.remember(doc, extraction)
        if arrived is not None:
            arrived(doc, extraction)
        return extraction

    fresh = extract_many(missing(), run, receive, jobs, progress)
    return {doc_id: found.get(doc_id) or fresh[doc_id] for doc_id in order}


def extract_and_store(doc: Document, settings: Settings, directory: Path | None,
                      fingerprint: str) -> bytes:
    """extract(), pickled as the cache keeps it (timeline.pickles) and written to the
    cache folder, in the worker that made it (so that encoding and writing run on every
    core too). Returns those bytes, which the parent decodes: a result pickled once, not
    once for the cache and again to travel back."""
    data = pickles.dumps(extract(doc, settings))
    if directory is not None:
        write_entry(directory, entry_key(doc, fingerprint), data)
    return data


@dataclass(slots=True)
class Session:
    """What a long-lived process (the dev server) keeps from one build to the next, so that
    after an edit the merge and the ids are redone only where the edit reaches."""

    merger: Merger = field(default_factory=Merger)
    """The merge of every document's candidates, updated document by document."""
    ids: IdState = field(default_factory=IdState)
    """The ids' work on each merged event of the last build."""
    registry: dict[str, str] | None = None
    """The citation-key -> id map of the last build, which the next one starts from. The
    session's owner stores it in the cache (``ExtractionCache.store_ids``) when it likes,
    off the path from an edit to the reloaded page."""


def build_timeline(config: Config, cache: ExtractionCache,
                   read: tuple[list[Document], list[Problem]] | None = None,
                   jobs: int | None = None, progress: Progress | None = None,
                   session: Session | None = None,
                   extracting: Callable[[int], object] | None = None,
                   raw: dict[Path, bytes] | None = None) -> Timeline:
    """Read every document (unless given them), extract (through the cache) and merge.

    Documents it reads itself are extracted as they are read (the workers start on the
    first while this process reads the others), from ``raw`` bytes where given. With
    ``session`` (the dev server's), only what changed since its last build is merged
    again; the result is the same. ``extracting`` hears how many documents are to be
    extracted (not found in the cache) so far, as each is found."""
    problems: list[Problem] = []
    docs: list[Document] = []
    if read is not None:
        docs, found = read
        problems += found
    merger = session.merger if session is not None else Merger()
    extractions = extract_all(docs if read is not None else _gathered(
        iter_documents(config, problems, raw=raw), docs), config, cache, jobs, progress,
        lambda doc, x: merger.stage(doc.id, x.events), extracting)
    if progress is not None:
        progress("merging", 0, 1)
    merged = merger.update({doc_id: x.events for doc_id, x in extractions.items()},
                           {doc.id for doc in docs if not in_english(doc)})
    if session is None:
        merger.release()
    published = {doc.id: doc.published for doc in docs}
    if session is None:
        events, registry = assign_ids(merged, published, cache.load_ids())
        cache.store_ids(registry)
    else:
        previous = cache.load_ids() if session.registry is None else session.registry
        events, session.registry = assign_ids(merged, published, previous, session.ids)
    for doc in docs:
        problems += _unanchored(doc, extractions[doc.id], config)
    problems += _not_english(docs, config)
    if not docs and not problems:
        problems.append(warning(None, None, f"no articles found in {config.content_dir}",
                                "add .md or .txt files"))
    return Timeline(documents=tuple(docs), events=events, extractions=extractions,
                    problems=tuple(problems))


def _gathered(docs: Iterable[Document], into: list[Document]) -> Iterator[Document]:
    """``docs``, each added to ``into`` as it goes by."""
    for doc in docs:
        into.append(doc)
        yield doc


def _content_bytes(config: Config, raw: dict[Path, bytes]) -> list[tuple[str, str]]:
    """(path, digest of the bytes) of every file discover() finds, filling ``raw`` with the
    bytes read (for read_documents); problems are left to read_documents to report."""
    if not config.content_dir.is_dir():
        return [("", "no content folder")]
    noted: list[Problem] = []
    out = []
    for path in discover(config.content_dir, noted):
        rel = os.fspath(path)
        try:
            info = path.stat()
            if info.st_size > MAX_BYTES:  # skipped with a warning: never read it whole
                out.append((rel, f"large|{info.st_size}|{info.st_mtime_ns}"))
                continue
            data = raw[path] = path.read_bytes()
        except OSError as exc:
            out.append((rel, f"unreadable|{exc.errno}"))
            continue
        out.append((rel, hashlib.sha256(data).hexdigest()))
    out += [(str(p.path), p.message) for p in noted]
    return out


def make_cache(config: Config, use_disk: bool = True) -> ExtractionCache:
    """The extraction cache for a site (in memory only with ``use_disk=False``)."""
    return ExtractionCache(config.cache_dir if use_disk else None, settings_fingerprint(config))


def build(config: Config, *, cache: ExtractionCache | None = None, strict: bool = False,
          write: bool = True, jobs: int | None = None, progress: Progress | None = None
          ) -> BuildReport:
    """Build the site, then write it; raise BuildFailed before writing anything.

    When nothing the output depends on changed since the last build and output/ is as
    that build left it, stop after reading (see timeline.stamp). Otherwise render and
    write only the pages whose inputs changed (see timeline.pieces).

    The cyclic garbage collector is off meanwhile: a build makes millions of objects that
    live until it ends, and the collector walked them again and again (2.7 s of an 8.3 s
    one-article edit at 4,000 articles). The build's own cycles, the merge's, are broken
    by Merger.release(); extraction workers collect as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(config, cache, strict, write, jobs, progress)
    finally:
        if collecting:
            gc.enable()


def _build(config: Config, cache: ExtractionCache | None, strict: bool, write: bool,
           jobs: int | None, progress: Progress | None) -> BuildReport:
    started = time.perf_counter()
    cache = cache or make_cache(config)
    theme = load_theme(config)
    raw: dict[Path, bytes] = {}
    digest = None
    if write and cache.directory is not None:
        # Decide from the files' bytes, before parsing any (front matter and all): reading
        # a document is a function of its path, its bytes and the configuration.
        digest = stamp.compute(config, theme, _content_bytes(config, raw), cache.fingerprint,
                               strict)
        done = stamp.unchanged(cache.directory, config.output_dir, digest)
        if done is not None:
            empty = Timeline(documents=(), events=(), extractions={}, problems=done.warnings)
            seconds = time.perf_counter() - started
            return BuildReport(empty, {}, None, seconds, warnings=done.warnings,
                               unchanged=done, stages=(("read", seconds),))
        stamp.forget(cache.directory)
    marks = [("read", started), ("extract", time.perf_counter())]

    def noted(stage: str, done: int, total: int) -> None:
        if stage == "merging" and marks[-1][0] == "extract":
            marks.append(("merge", time.perf_counter()))
        if progress is not None:
            progress(stage, done, total)

    spare = Spare(write and (default_jobs() if jobs is None else jobs) > 1)
    try:
        # (the articles are parsed as they are extracted: "extract" includes parsing them)
        timeline = build_timeline(config, cache, None, jobs, noted, extracting=spare.want,
                                  raw=raw)
        if cache.misses and write:  # entries of edited or removed articles are garbage now
            cache.prune({cache.key(doc) for doc in timeline.documents})
        errors = [p for p in timeline.problems if p.severity == "error" or strict]
        if errors:
            raise BuildFailed(timeline.problems)
        marks.append(("write", time.perf_counter()))
        files, written, stats = render_and_write(timeline, config, theme,
                                                 cache.directory if write else None, write,
                                                 progress, jobs, spare)
    finally:
        spare.close()
    if digest is not None and cache.directory is not None:
        merged = sum(1 for e in timeline.events if len({c.document for c in e.citations}) > 1)
        stamp.store(cache.directory, config.output_dir,
                    stamp.Stamp(digest, len(timeline.documents), len(timeline.events), merged,
                                timeline.problems), stats)
    ended = time.perf_counter()
    stages = tuple((name, end - start) for (name, start), (_, end)
                   in zip(marks, [*marks[1:], ("", ended)], strict=True))
    return BuildReport(timeline, files, written, ended - started, cache.hits,
                       cache.misses, tuple(p for p in timeline.problems), stages=stages)

