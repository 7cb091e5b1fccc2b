"""A pure function mapped over many items on two cores (the merge's pair scores) gives
what one core gives, and falls back to one core whenever the second cannot be used."""

from __future__ import annotations

import math
import os
import sys
import threading

import pytest

from timeline import halves

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even when other tests left a thread running (a server's, waiting on a socket:
    the child takes none of their locks)."""
    monkeypatch.setattr(halves, "can_fork", lambda: True)


def _value(x: int) -> float:
    return math.sin(x) * 1e6 / (x + 1)  # not round: every bit must come back intact


def test_every_item_is_mapped_in_order_half_of_them_by_a_child(forking: None) -> None:
    items = list(range(10_001))
    here: list[int] = []

    def recorded(x: int) -> float:
        here.append(x)  # only this process's calls are seen
        return _value(x)

    assert halves.map_floats(recorded, items, min_items=1) == [_value(x) for x in items]
    assert here == items[0::2]


def test_a_failing_child_leaves_its_share_to_the_parent(forking: None) -> None:
    parent = os.getpid()

    def fails_in_the_child(x: int) -> float:
        if os.getpid() != parent:
            raise RuntimeError("child")
        return _value(x)

    items = list(range(501))
    assert halves.map_floats(fails_in_the_child, items, min_items=1) == list(map(_value, items))


def test_no_fork_below_the_threshold_or_with_threads_running() -> None:
    items = list(range(300))
    here: list[int] = []

    def recorded(x: int) -> float:
        here.append(x)
        return _value(x)

    assert halves.map_floats(recorded, items, min_items=301) == list(map(_value, items))
    assert here == items
    here.clear()
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait)
    watcher.start()
    try:
        assert not halves.can_fork()  # (whether or not other tests left one running)
        assert halves.map_floats(recorded, items, min_items=1) == list(map(_value, items))
    finally:
        stop.set()
        watcher.join()
    assert here == items


def test_nothing_is_left_behind(forking: None) -> None:
    before = _children()
    halves.map_floats(_value, list(range(2000)), min_items=1)
    assert _children() == before, "the child was not waited for"


def _children() -> set[str]:
    if not sys.platform.startswith("linux"):
        return set()
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.add(pid)
    return found
