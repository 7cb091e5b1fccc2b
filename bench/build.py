"""Build speed at thousands of articles: cold, warm, a one-article edit, peak memory, and
two references on the same files (the floor: markdown-it-py + Jinja2 alone; Eleventy).

    python bench/build.py                 # 1,000 and 4,000 generated articles
    python bench/build.py --sizes 200     # a quick look
    python bench/build.py --no-eleventy   # skip the Node reference

Every timing is a fresh ``timeline build`` process (start-up included) except "edit
(in-process)", which is what `timeline serve` pays: one long-lived builder rebuilding after
one article changed. Peak memory is the largest summed RSS of the build process and its
workers, sampled every 10 ms from /proc.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
ELEVENTY_DIR = BENCH / ".eleventy"  # npm install target, git-ignored

FLOOR = r'''
import sys, time
from pathlib import Path
from markdown_it import MarkdownIt
import jinja2
src, out = Path(sys.argv[1]), Path(sys.argv[2])
md = MarkdownIt("commonmark")
env = jinja2.Environment(autoescape=True)
page = env.from_string("<!doctype html><title>{{ t }}</title><main>{{ body|safe }}</main>")
index = env.from_string("<!doctype html><ul>{% for p in pages %}<li><a href='{{ p }}'>{{ p }}"
                        "</a>{% endfor %}</ul>")
pages = []
for path in sorted(src.rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text[text.index("\n---", 4) + 4:]
    rel = path.relative_to(src).with_suffix(".html")
    target = out / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page.render(t=rel.stem, body=md.render(text)), encoding="utf-8")
    pages.append(rel.as_posix())
(out / "index.html").write_text(index.render(pages=pages), encoding="utf-8")
'''


def tree_rss(pid: int) -> int:
    """Summed resident memory (bytes) of a process and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak tree RSS of one command; raise when it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            if os.path.isdir("/proc"):
                peak = max(peak, tree_rss(proc.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return seconds, peak


def timeline(site: Path, *extra: str) -> tuple[float, int]:
    return run([sys.executable, "-m", "timeline", "build", str(site), "--quiet", *extra])


def in_process_edit(site: Path, rounds: int = 5) -> float:
    """Median seconds to rebuild after one article changed, with a long-lived cache (serve)."""
    sys.path.insert(0, str(REPO))
    from timeline.build import build, make_cache
    from timeline.config import load_config

    config = load_config(site)
    cache = make_cache(config)
    build(config, cache=cache)
    target = sorted((site / "content").rglob("*.md"))[0]
    original = target.read_text(encoding="utf-8")
    times = []
    for i in range(rounds):
        target.write_text(original + f"\nThe committee met again on {i + 1} March 2025.\n",
                          encoding="utf-8")
        started = time.perf_counter()
        build(config, cache=cache)
        times.append(time.perf_counter() - started)
    target.write_text(original, encoding="utf-8")
    return statistics.median(times)


def eleventy_bin() -> Path | None:
    """Eleventy from npm (installed once into bench/.eleventy), or None without Node."""
    binary = ELEVENTY_DIR / "node_modules" / ".bin" / "eleventy"
    if binary.exists():
        return binary
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    ELEVENTY_DIR.mkdir(exist_ok=True)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                           str(ELEVENTY_DIR), "@11ty/eleventy@3"], capture_output=True)
    return binary if done.returncode == 0 and binary.exists() else None


def measure(n: int, work: Path, jobs: str | None, eleventy: bool) -> dict[str, float]:
    site = work / f"site-{n}"
    if not (site / "content").is_dir():
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(n),
                        str(site / "content")], check=True)
    files = list((site / "content").rglob("*.md"))
    size = sum(p.stat().st_size for p in files)
    print(f"\n{n} articles ({len(files)} files, {size / len(files) / 1024:.1f} KB each)")
    extra = ["--jobs", jobs] if jobs else []
    shutil.rmtree(site / ".timeline-cache", ignore_errors=True)
    shutil.rmtree(site / "output", ignore_errors=True)
    r: dict[str, float] = {}
    r["cold"], r["cold_mb"] = timeline(site, *extra)
    r["warm"], r["warm_mb"] = timeline(site, *extra)
    target = sorted(files)[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "\nThe envoys met again on 3 March 2025.\n", encoding="utf-8")
    r["edit"], _ = timeline(site, *extra)
    target.write_text(original, encoding="utf-8")
    timeline(site, *extra)
    r["edit_in_process"] = in_process_edit(site)
    floor_out = work / f"floor-{n}"
    shutil.rmtree(floor_out, ignore_errors=True)
    r["floor"], _ = run([sys.executable, "-c", FLOOR, str(site / "content"), str(floor_out)])
    binary = eleventy_bin() if eleventy else None
    if binary is not None:
        out = work / f"eleventy-{n}"
        shutil.rmtree(out, ignore_errors=True)
        r["eleventy"], _ = run([str(binary), f"--input={site / 'content'}",
                                f"--output={out}", "--quiet"], cwd=work)
    mb = 2**20
    print(f"  cold build        {r['cold']:7.2f} s   peak {r['cold_mb'] / mb:6.0f} MB")
    print(f"  warm build        {r['warm']:7.2f} s   peak {r['warm_mb'] / mb:6.0f} MB")
    print(f"  one-article edit  {r['edit']:7.2f} s   (a new process)")
    print(f"  edit, in-process  {r['edit_in_process'] * 1000:7.0f} ms  (what serve pays)")
    print(f"  floor             {r['floor']:7.2f} s   cold/floor {r['cold'] / r['floor']:.1f}x")
    if "eleventy" in r:
        print(f"  eleventy          {r['eleventy']:7.2f} s   cold/eleventy "
              f"{r['cold'] / r['eleventy']:.2f}x")
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--jobs", help="passed to timeline build --jobs")
    parser.add_argument("--work", type=Path, help="keep corpora here (default: a temp dir)")
    parser.add_argument("--no-eleventy", action="store_true")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    work = args.work or Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        measure(n, work, args.jobs, not args.no_eleventy)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
