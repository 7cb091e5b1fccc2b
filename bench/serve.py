"""Edit-to-reload latency of `timeline serve`: from an article written to disk to the
reload signal released to the waiting pages (the long poll's epoch moving).

    python bench/serve.py                  # the example site and 1,000 generated articles
    python bench/serve.py --sizes 0 200    # 0 means the repository's example site

Each run copies the site to a temporary folder, times a warm `timeline build` with nothing
changed, then starts the dev server's rebuilder and file watcher in-process (the HTTP layer
adds nothing measurable to the signal), makes one-article edits half a second apart, and
prints the median and 90th percentile of two latencies: to the reload signal, and to the
reloaded page that shows the edit (rendered on demand): the index, or the page of March
2025 or of 2025 when the index is split (see ``index_limit``). The machine's 2 cores are
shared: rerun and compare medians.
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
from timeline.livereload import handle  # noqa: E402
from timeline.serve import Debouncer, DevServer  # noqa: E402


def prepare(n: int, work: Path) -> Path:
    site = work / f"site-{n}"
    if n == 0 and (REPO / "content").is_dir():
        shutil.copytree(REPO / "content", site / "content")
        shutil.copy(REPO / "timeline.toml", site / "timeline.toml")
    elif n == 0:  # no example content in this checkout: a new site's sample article
        subprocess.run([sys.executable, "-m", "timeline", "new", str(site)], check=True)
    else:
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(n),
                        str(site / "content")], check=True)
    return site


def measure(site: Path, edits: int) -> tuple[list[float], list[float]]:
    """Edit-to-reload latencies, and edit-to-reloaded-page latencies, in seconds."""
    dev = DevServer(load_config(site), report=lambda message: None)
    dev.rebuild()
    observer = dev.watch(Debouncer(dev.rebuild, delay=0.05))
    dev.wait_written(timeout=600)
    time.sleep(0.3)  # let the observer settle
    # The edits add events in March 2025: the page a reader of them reloads.
    page = next(p for p in ("/years/2025/march-2025/", "/years/2025/", "/")
                if handle(dev.state, p).status == 200)
    target = sorted((site / "content").rglob("*.md"))[0]
    original = target.read_text(encoding="utf-8")
    signals, pages = [], []
    try:
        for i in range(edits):
            epoch = dev.state.epoch
            target.write_text(original + f"\nThe port authority met again on {i % 27 + 1} "
                              "March 2025.\n", encoding="utf-8")
            written = time.perf_counter()
            new = dev.state.wait_for_change(epoch, timeout=120)
            signals.append(time.perf_counter() - written)
            assert new != epoch, "no rebuild happened"
            assert handle(dev.state, page).status == 200  # what the reloading page asks next
            pages.append(time.perf_counter() - written)
            time.sleep(0.5)  # the writer renders output/ meanwhile, as it would while you read
    finally:
        observer.stop()
        observer.join(timeout=2)
        dev.wait_written(timeout=600)
        dev.close()
        target.write_text(original, encoding="utf-8")
    return signals, pages


def warm_build(site: Path) -> float:
    """Seconds of `timeline build` with nothing changed since the previous one (median of 3)."""
    times = []
    for _ in range(4):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "timeline", "build", "-q", str(site)], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="timeline-serve-bench-",
                                     ignore_cleanup_errors=True) as tmp:
        for n in args.sizes:
            site = prepare(n, Path(tmp))
            name = "example site" if n == 0 else f"{n} articles"
            docs = sum(1 for p in (site / "content").rglob("*") if p.suffix in (".md", ".txt"))
            print(f"{name}: {docs} files; warm `timeline build`, nothing changed: "
                  f"{warm_build(site):.2f} s", flush=True)
            signals, pages = measure(site, args.edits)
            print(f"{name}: edit-to-reload {summary(signals)}; edit-to-reloaded-page "
                  f"{summary(pages)} over {len(signals)} edits", flush=True)


if __name__ == "__main__":
    main()
