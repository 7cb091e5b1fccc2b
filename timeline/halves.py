"""A pure function of many items, on two cores: half of the items in a forked child.

The merge scores hundreds of thousands of pairs of candidates (at 4,000 articles, about
0.8 s on one core) while the build's other core waits: extraction is over and the pages
cannot be started before the merge ends. A fork starts at once and needs no pickling: the
child has every candidate already, and sends back only the floats, 8 bytes each.

It is short-lived, which is what makes a fork cheap here: while it runs, only the pages
either side writes are copied (see timeline.offload for why the long-lived helper is a new
process instead). Without fork (not Linux), with threads running (the dev server's watcher:
forking then is unsafe) or when the child fails, every item is computed here.
"""

from __future__ import annotations

import os
import sys
import threading
from array import array
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

MIN_ITEMS = 40_000
"""Fewer items than this are computed here: a fork and its pipe cost a few milliseconds."""


def can_fork() -> bool:
    """Whether forking is safe here: Linux, and no other thread (whose locks the child
    would inherit held)."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


def map_floats(fn: Callable[[T], float], items: Sequence[T],
               min_items: int | None = None) -> list[float]:
    """``[fn(x) for x in items]``, every other item computed by a forked child when there
    are at least ``min_items`` (default MIN_ITEMS). ``fn`` must not change anything the
    result of a later call depends on: the child's changes are lost with it."""
    if len(items) < (MIN_ITEMS if min_items is None else min_items) or not can_fork():
        return [fn(x) for x in items]
    theirs = items[1::2]  # every other item, so that costly stretches split evenly
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any clean-up
        code = 1
        try:
            os.close(read_end)
            view = memoryview(array("d", map(fn, theirs)).tobytes())
            while view:
                view = view[os.write(write_end, view):]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        mine = [fn(x) for x in items[0::2]]
        received = _read_all(read_end)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    values = array("d")
    if os.waitstatus_to_exitcode(status) == 0 and len(received) == 8 * len(theirs):
        values.frombytes(received)
    else:  # the child failed: do its share here
        values.extend(map(fn, theirs))
    out = [0.0] * len(items)
    out[0::2] = mine
    out[1::2] = values.tolist()
    return out


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
