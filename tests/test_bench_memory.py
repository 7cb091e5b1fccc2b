"""bench/build.py's memory sampling: the summed PSS of a process tree, left out (None) while
a process of the tree ends, when summing would count some pages twice."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PARENT = """
import os, sys, time
block = bytearray(40 * 2**20)  # 40 MB the process really holds
for i in range(0, len(block), 4096):
    block[i] = 1
if sys.argv[1] == "zombie":  # a child that ends and is never waited for
    if os.fork() == 0:
        os._exit(0)
print("ready", flush=True)
time.sleep(30)
"""


def _tree(mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", PARENT, mode], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def test_a_steady_tree_is_measured_and_one_with_an_ending_process_is_left_out() -> None:
    bench = _bench()
    steady, zombie = _tree("steady"), _tree("zombie")
    try:
        time.sleep(0.2)  # the zombie's exit is over
        measured = bench.tree_memory(steady.pid)
        assert measured is not None and 40 * 2**20 < measured < 200 * 2**20, measured
        assert len(bench._tree(zombie.pid)) == 2
        assert bench.tree_memory(zombie.pid) is None
    finally:
        for proc in (steady, zombie):
            proc.kill()
            proc.wait()
