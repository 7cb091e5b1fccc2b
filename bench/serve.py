"""Edit-to-reload latency of `timeline serve`: from an article written to disk to the
reload signal released to the waiting pages (the long poll's epoch moving).

    python bench/serve.py                  # the example site and 1,000 generated articles
    python bench/serve.py --sizes 0 200    # 0 means the repository's example site

Each run copies the site to a temporary folder, starts the dev server's rebuilder and
file watcher in-process (the HTTP layer adds nothing measurable to the signal), makes a
number of one-article edits, and prints the median and 90th percentile.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from timeline.config import load_config  # noqa: E402
from timeline.serve import Debouncer, DevServer  # noqa: E402


def prepare(n: int, work: Path) -> Path:
    site = work / f"site-{n}"
    if n == 0:
        shutil.copytree(REPO / "content", site / "content")
        shutil.copy(REPO / "timeline.toml", site / "timeline.toml")
    else:
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(n),
                        str(site / "content")], check=True)
    return site


def measure(site: Path, edits: int) -> list[float]:
    dev = DevServer(load_config(site), report=lambda message: None)
    dev.rebuild()
    observer = dev.watch(Debouncer(dev.rebuild, delay=0.05))
    time.sleep(0.3)  # let the observer settle
    target = sorted((site / "content").rglob("*.md"))[0]
    original = target.read_text(encoding="utf-8")
    latencies = []
    try:
        for i in range(edits):
            epoch = dev.state.epoch
            target.write_text(original + f"\nThe port authority met again on {i % 27 + 1} "
                              "March 2025.\n", encoding="utf-8")
            written = time.perf_counter()
            new = dev.state.wait_for_change(epoch, timeout=120)
            latencies.append(time.perf_counter() - written)
            assert new != epoch, "no rebuild happened"
            time.sleep(0.1)
    finally:
        observer.stop()
        observer.join(timeout=2)
        dev.state.wait_for_change(-1, timeout=60)  # let a last rebuild finish writing
        time.sleep(0.5)
        target.write_text(original, encoding="utf-8")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="timeline-serve-bench-",
                                     ignore_cleanup_errors=True) as tmp:
        for n in args.sizes:
            site = prepare(n, Path(tmp))
            docs = len(list((site / "content").rglob("*.md")))
            lat = measure(site, args.edits if n <= 1000 else max(3, args.edits // 4))
            lat.sort()
            p90 = lat[min(len(lat) - 1, int(len(lat) * 0.9))]
            print(f"{'example site' if n == 0 else f'{n} articles':>14} ({docs} files): "
                  f"edit-to-reload median {statistics.median(lat) * 1000:.0f} ms, "
                  f"p90 {p90 * 1000:.0f} ms over {len(lat)} edits")


if __name__ == "__main__":
    main()
