"""Run the per-document extraction on every core.

Extraction is pure (a Document in, an Extraction out), so documents are shipped to a
process pool in chunks and the frozen results come back pickled. Small batches stay in
this process: starting workers costs more than it saves below a few dozen documents.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import gc
import itertools
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.reduction import ForkingPickler
from typing import TypeVar

from timeline.model import Document, Progress
from timeline.pickles import REDUCERS

T = TypeVar("T")
U = TypeVar("U")
Extract = Callable[[Document], T]
"""What is done to each document: its extraction, or that extraction already pickled."""

MIN_PARALLEL = 48
"""Fewer documents than this are extracted in this process."""

CHUNK = 64
"""Documents per task at most: enough to amortise pickling, few enough to balance the
workers' loads and to show progress."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _start_method() -> str:
    """fork is the cheapest start (no re-imports) but unsafe once threads run (the dev
    server's watcher) and on macOS; then forkserver, or spawn where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _register_reducers() -> None:
    """Pickle the extraction's objects between processes through their constructors.

    Results come back pickled, and the parent unpickles every one of them on its own: the
    generic __getstate__/__setstate__ of frozen dataclasses made that cost a third of the
    extraction itself. Constructors (see timeline.pickles) give the same objects for much
    less. Only pickling between processes is affected."""
    for cls, reduce in REDUCERS.items():
        ForkingPickler.register(cls, reduce)


_register_reducers()


def _start_worker() -> None:
    """Workers collect their own garbage whatever this process does (a build turns the
    collector off here), but never walk what they inherited by the fork: the documents
    and the modules, which stay alive anyway. Walking them made every worker's full
    collections slow (4.8 s instead of 4.4 s of CPU for 4,000 articles) and wrote the
    header of every inherited object, copying memory pages the fork had shared."""
    gc.freeze()
    gc.enable()


def _run_chunk(extract: Extract[T], docs: Sequence[Document]) -> list[T]:
    return [extract(doc) for doc in docs]


def extract_many(docs: Iterable[Document], extract: Extract[T],
                 receive: Callable[[Document, T], U], jobs: int | None = None,
                 progress: Progress | None = None) -> dict[str, U]:
    """``receive(doc, extract(doc))`` of every document by id, extract on ``jobs`` processes
    (default: every core) and receive here, as each result comes in: what receive does
    (decoding the result, say) then runs while the workers go on with the others.

    ``docs`` may be an iterator that reads each document when asked for it: the workers
    start on the first ones while this process reads the others (reading 4,000 articles
    takes about 0.4 s). ``extract`` must be picklable (a module-level function or a
    partial of one)."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    out: dict[str, U] = {}
    given = iter(docs)
    first = list(itertools.islice(given, MIN_PARALLEL if jobs > 1 else 0))
    if len(first) < MIN_PARALLEL:  # (all of them, or one job)
        todo = [*first, *given]
        for i, doc in enumerate(todo, 1):
            out[doc.id] = receive(doc, extract(doc))
            if progress is not None:
                progress("extracting", i, len(todo))
        return out
    method = _start_method()
    if method == "fork":
        # Extract one document here first: the tables extraction builds on first use (the
        # rule index, about a tenth of a second) are then inherited by every worker instead
        # of being built again in each.
        out[first[0].id] = receive(first[0], extract(first[0]))
        first = first[1:]
    # Chunks big enough to amortise pickling, small enough to balance and show progress:
    # CHUNK documents while many more are coming, fewer once the rest is known to be few.
    context = multiprocessing.get_context(method)
    futures: dict[cf.Future[list[T]], list[Document]] = {}
    run = functools.partial(_run_chunk, extract)
    with contextlib.ExitStack() as stack:
        pool: cf.ProcessPoolExecutor | None = None

        def submit(chunks: list[list[Document]]) -> None:
            nonlocal pool
            if not chunks:
                return
            if pool is None:  # (as many workers as there are chunks, if fewer than jobs)
                pool = stack.enter_context(cf.ProcessPoolExecutor(
                    max_workers=min(jobs, len(chunks)), mp_context=context,
                    initializer=_start_worker))
            for chunk in chunks:
                futures[pool.submit(run, chunk)] = chunk

        def take(future: cf.Future[list[T]], total: int) -> None:
            # (each chunk's results, pickled, let go once received: tens of megabytes at
            # thousands of articles)
            for doc, extraction in zip(futures.pop(future), future.result(), strict=True):
                out[doc.id] = receive(doc, extraction)
            if progress is not None:
                progress("extracting", len(out), total)

        pending = first
        for doc in given:
            pending.append(doc)
            if len(pending) == CHUNK * jobs * 2:  # many: send half of them
                submit([pending[i:i + CHUNK] for i in range(0, CHUNK * jobs, CHUNK)])
                pending = pending[CHUNK * jobs:]
                # what is done already, against what is known so far (40,000 articles
                # take seconds to read)
                known = len(out) + sum(map(len, futures.values())) + len(pending)
                for future in [f for f in futures if f.done()]:
                    take(future, known)
        size = max(4, min(CHUNK, (len(pending) + CHUNK * len(futures)) // (jobs * 8) or 1))
        submit([pending[i:i + size] for i in range(0, len(pending), size)])
        total = len(out) + sum(map(len, futures.values()))
        for future in cf.as_completed(list(futures)):
            take(future, total)
    return out
