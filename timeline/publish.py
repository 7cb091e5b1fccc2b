"""Stages 6 and 7 together: render what changed since the last build, and write it."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from pathlib import Path

import jinja2

from timeline import stamp
from timeline.config import Config
from timeline.model import Progress, Timeline
from timeline.offload import Spare, helper_for
from timeline.output import FileStat, WriteReport, write_site
from timeline.parallel import default_jobs
from timeline.pieces import Record, Reuse
from timeline.render import RenderedFiles, event_pages, plan_pages
from timeline.theme import Theme

TEMPLATES = "templates"
"""Compiled templates, in the cache folder."""


def render_and_write(timeline: Timeline, config: Config, theme: Theme, cache_dir: Path | None,
                     write: bool = True, progress: Progress | None = None,
                     jobs: int | None = None, spare: Spare | None = None
                     ) -> tuple[Mapping[str, bytes], WriteReport | None, Mapping[str, FileStat]]:
    """Stages 6 and 7: render the site and write it (with ``write``), taking from the last
    build recorded in ``cache_dir`` every page and piece whose inputs did not change; with
    ``jobs`` (default: every core) above 1, many event pages are made by a second process
    (timeline.offload): the one ``spare`` started, if it did.

    Returns the files (rendered when read), what writing did, and every file's stat."""
    # The timeline lives until the end of the build: keep the collector from walking its
    # millions of objects again and again while the pages are made (a full collection
    # costs about 0.2 s per 1,000 articles).
    gc.freeze()
    try:
        return _render_and_write(timeline, config, theme, cache_dir, write, progress, jobs,
                                 spare)
    finally:
        gc.unfreeze()


def _render_and_write(timeline: Timeline, config: Config, theme: Theme, cache_dir: Path | None,
                      write: bool, progress: Progress | None, jobs: int | None,
                      spare: Spare | None
                      ) -> tuple[Mapping[str, bytes], WriteReport | None, Mapping[str, FileStat]]:
    record = stamp.load_pages(cache_dir, config.output_dir) if cache_dir else Record()
    reuse = Reuse(config.output_dir, record)
    env = theme.environment()
    env.auto_reload = False  # one build: never stat a template file again once loaded
    if cache_dir is not None:  # compiled templates, so a small rebuild need not compile
        try:
            (cache_dir / TEMPLATES).mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir / TEMPLATES))
        except OSError:
            pass
    plan = plan_pages(timeline, config, theme, env, reuse)
    files = RenderedFiles(plan)
    # (without an earlier build's pages, nothing is kept, and the digests are made later:
    # see plan_pages)
    kept = {path: found for path, digest in plan.digests.items()
            if (found := reuse.unchanged_on_disk(path, digest)) is not None} \
        if record.pages else {}
    if not write:  # timeline check: every page must render
        for path in files:
            files[path]
        return files, None, {}
    pages = event_pages(plan.render)
    helper = helper_for(pages, [p for p in pages.index if p not in kept] if pages else [],
                        config, spare) if (default_jobs() if jobs is None else jobs) > 1 else None
    written = write_site(files, config.output_dir, kept, progress, helper)
    stats = {**kept, **written.stats} if kept else written.stats
    if cache_dir is not None:
        pieces = {p: index for p, index in record.pieces.items() if p in kept}
        stamp.store_pages(cache_dir, config.output_dir, plan.digests, stats,
                          {**pieces, **reuse.noted})
    return files, written, stats
