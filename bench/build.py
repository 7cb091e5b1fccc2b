"""Build speed at thousands of articles: cold, warm, a one-article edit, peak memory, and
two references on the same files (the floor: markdown-it-py + Jinja2 alone; Eleventy).

    python bench/build.py                 # 1,000 and 4,000 generated articles
    python bench/build.py --sizes 200     # a quick look
    python bench/build.py --no-eleventy   # skip the Node reference
    python bench/build.py --repeat 1      # one cold build and one of each reference

The cold build and the references are run in turn three times (``--repeat``), and the
medians are reported with their range; peak memory is measured in runs of its own (below),
and the largest is reported.

Every timing is a fresh ``timeline build`` process (start-up included) except "edit,
serve": what `timeline serve` takes from one article written to the reload signal (and to
the reloaded page), measured as bench/serve.py does. Peak memory is the largest summed PSS
of the build process and its workers (forked workers share most pages with their parent,
which RSS would count twice), sampled every 20 ms from /proc; a sample taken while one
of those processes starts or ends is left out (see tree_memory). Each timed command
starts once the disk is idle (see quiet_disk).

The CPU time of the cold build and of Eleventy (user and kernel, of the command and every
process it waited for: workers and helpers) is printed too. Divided by the cores, it is
the least time any spreading of the same work over them could take: what is left to gain
by running more of it at once rather than by doing less of it.

Peak memory comes from runs of their own, not from the timed ones: reading a process's
memory from /proc walks its page tables under its memory-map lock, which its page faults
then wait for. Sampled this way every 20 ms, a cold build of 4,000 articles took 10.2 to
10.7 s against 9.2 to 9.4 s unsampled, and Eleventy 2.44 to 2.54 s against 2.14 to 2.18 s
(three of each, alternated, on tmpfs). So each cold build timed is followed by one sampled,
and the warm build and the edit are run once more each, sampled, for their peaks; the
times reported are the unsampled ones.

Nothing is deleted while the benchmark runs: the previous output, cache and reference
folders are moved aside (into WORK/.trash) and deleted at the end. On an ext4 file system
without a journal (this machine's), a new inode is not taken from those freed in the last
60 to 360 seconds, and ext4 looks at each of them to skip it (``recently_deleted`` in
fs/ext4/ialloc.c): creating tens of thousands of files right after deleting as many took
5 to 20 times longer than on a quiet disk, whatever program made them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

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


def _pss(pid: int) -> int | None:
    """Proportional set size (bytes) of one process: its private pages, and a share of
    those it shares (forked workers share most of their parent's), so that summing a
    process tree counts every page once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


PF_EXITING = 0x4
"""A process's flag (in /proc/PID/stat) while it ends."""
PF_FORKNOEXEC = 0x40
"""A process's flag while it runs its parent's program (forked, no exec yet)."""

Tree = dict[int, tuple[str, int, int]]
"""pid -> state, flags and parent pid (from /proc/PID/stat)."""


def _tree(pid: int) -> Tree:
    """A process and its descendants."""
    children: dict[int, list[int]] = {}
    found: Tree = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        found[int(entry)] = (fields[0], int(fields[6]), int(fields[1]))
    tree, todo = {}, [pid]
    while todo:
        current = todo.pop()
        if current in found:
            tree[current] = found[current]
        todo.extend(children.get(current, []))
    return tree


def _steady(tree: Tree) -> bool:
    """No process is ending, nor started by vfork and not running its own program yet (a
    forked process whose parent waits uninterruptibly, as vfork's caller does, or for the
    disk: such samples are left out too)."""
    return all(state not in "ZXx" and not flags & PF_EXITING
               and not (flags & PF_FORKNOEXEC and ppid in tree and tree[ppid][0] == "D")
               for state, flags, ppid in tree.values())


def tree_memory(pid: int) -> int | None:
    """Summed PSS (RSS where PSS is unavailable) of a process and its descendants, in bytes;
    None when a process of the tree starts or ends meanwhile.

    Such a sample would count some memory twice. A forked worker shares pages with its
    parent, and each one's PSS counts half of them: read before a worker ends and its
    parent's after, the shared pages count one and a half times (at 4,000 articles, one
    sample of 411 MB while the extraction workers ended, between samples of 331 and 260
    MB, the processes' own counts a moment later summing to 275). A child started by
    vfork, until it runs its program, shares all of its parent's memory, which each
    one's PSS then counts in full (one sample of 534 MB = 267 + 267), when the build
    started its helper process after the merge."""
    before = _tree(pid)
    if not _steady(before):
        return None
    total = 0
    for current in before:
        pss = _pss(current)
        if pss is None:
            try:
                with open(f"/proc/{current}/statm", encoding="ascii") as handle:
                    pss = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                return None
        total += pss
    after = _tree(pid)
    return total if after.keys() == before.keys() and _steady(after) else None


def quiet_disk(limit: float = 60.0) -> None:
    """Flush, then wait (at most ``limit`` seconds) until the disk is idle: on this kind of
    virtual disk, deleting the previous run's tens of thousands of files keeps it busy for
    a while, and whatever runs next pays for it. Every timed command starts after this."""
    os.sync()
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            with open("/proc/pressure/io", encoding="ascii") as handle:
                some = float(handle.readline().split()[1].split("=")[1])
        except (OSError, IndexError, ValueError):
            return
        if some < 0.5:
            return
        time.sleep(0.5)


class Run(NamedTuple):
    """What one command took."""

    seconds: float
    """Wall time."""
    peak: int
    """Peak tree memory in bytes (when sampled, else 0)."""
    kernel: float
    """CPU seconds in the kernel, its workers included."""
    user: float
    """CPU seconds in user space, its workers included."""

    @property
    def cpu(self) -> float:
        return self.kernel + self.user


def run(cmd: list[str], cwd: Path | None = None, sample: bool = False) -> Run:
    """Wall seconds, peak tree memory (with ``sample``, else 0) and CPU seconds of one
    command, its workers included; raise when it fails. Sampling slows the command (see
    the module's docstring): time the runs that are not sampled."""
    quiet_disk()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sampling() -> None:
        nonlocal peak
        while not done.is_set():
            if os.path.isdir("/proc"):
                peak = max(peak, tree_memory(proc.pid) or 0)
            done.wait(0.02)

    sampler = threading.Thread(target=sampling, daemon=True)
    if sample:
        sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    if sample:
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return Run(seconds, peak, after.ru_stime - before.ru_stime,
               after.ru_utime - before.ru_utime)


def timeline(site: Path, *extra: str, sample: bool = False) -> Run:
    return run([sys.executable, "-m", "timeline", "build", str(site), "--quiet", *extra],
               sample=sample)


def serve_edit(site: Path, edits: int = 7) -> tuple[float, float]:
    """Median seconds from one article written to the reload signal of `timeline serve`,
    and to the reloaded page that shows it (bench/serve.py's measurement)."""
    sys.path.insert(0, str(BENCH))
    from serve import measure as serve_measure

    quiet_disk()
    signals, pages = serve_measure(site, edits)
    return statistics.median(signals), statistics.median(pages)


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


def discard(path: Path, work: Path) -> None:
    """Move ``path`` (if there) out of the way, into WORK/.trash, for main() to delete once
    every timing is taken (see the module's docstring)."""
    if path.exists():
        trash = work / ".trash"
        trash.mkdir(exist_ok=True)
        path.rename(Path(tempfile.mkdtemp(dir=trash)) / path.name)


def measure(n: int, work: Path, jobs: str | None, eleventy: bool, repeat: int = 1
            ) -> dict[str, float]:
    site = work / f"site-{n}"
    if not (site / "content").is_dir():
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(n),
                        str(site / "content")], check=True)
    files = list((site / "content").rglob("*.md"))
    size = sum(p.stat().st_size for p in files)
    print(f"\n{n} articles ({len(files)} files, {size / len(files) / 1024:.1f} KB each)")
    extra = ["--jobs", jobs] if jobs else []
    binary = eleventy_bin() if eleventy else None
    # The cold build and both references, taken in turn ``repeat`` times: this machine's
    # speed varies by a fifth from run to run, so one run of each can be a lucky one.
    colds: list[Run] = []
    peaks: list[int] = []
    floors: list[float] = []
    elevens: list[float] = []
    eleven_cpu: list[float] = []
    for _ in range(repeat):
        discard(site / ".timeline-cache", work)
        discard(site / "output", work)
        colds.append(timeline(site, *extra))
        discard(site / ".timeline-cache", work)
        discard(site / "output", work)
        peaks.append(timeline(site, *extra, sample=True).peak)
        floor_out = work / f"floor-{n}"
        discard(floor_out, work)
        floors.append(run([sys.executable, "-c", FLOOR, str(site / "content"),
                           str(floor_out)]).seconds)
        if binary is not None:
            out = work / f"eleventy-{n}"
            discard(out, work)
            took = run([str(binary), f"--input={site / 'content'}", f"--output={out}",
                        "--quiet"], cwd=work)
            elevens.append(took.seconds)
            eleven_cpu.append(took.cpu)
    r: dict[str, float] = {}
    r["cold"] = statistics.median(c.seconds for c in colds)
    r["cold_mb"] = max(peaks)
    r["cold_sys"] = statistics.median(c.kernel for c in colds)
    r["cold_cpu"] = statistics.median(c.cpu for c in colds)
    r["floor"] = statistics.median(floors)
    if elevens:
        r["eleventy"] = statistics.median(elevens)
        r["eleventy_cpu"] = statistics.median(eleven_cpu)
    r["warm"] = timeline(site, *extra).seconds
    target = sorted(files)[len(files) // 2]
    original = target.read_text(encoding="utf-8")

    def edit(day: int, sample: bool) -> Run:
        """A one-article edit, built, then undone and built again."""
        target.write_text(original + f"\nThe envoys met again on {day} March 2025.\n",
                          encoding="utf-8")
        found = timeline(site, *extra, sample=sample)
        target.write_text(original, encoding="utf-8")
        timeline(site, *extra)
        return found

    r["edit"] = edit(3, sample=False).seconds
    r["edit_mb"] = edit(4, sample=True).peak
    r["warm_mb"] = timeline(site, *extra, sample=True).peak
    r["serve_signal"], r["serve_page"] = serve_edit(site)
    output = site / "output"
    pages = sum(1 for p in output.rglob("*") if p.is_file())
    mb = 2**20

    def spread(values: list[float]) -> str:
        return f" (of {len(values)}: {min(values):.2f} to {max(values):.2f} s)" \
            if len(values) > 1 else ""

    print(f"  cold build        {r['cold']:7.2f} s   peak {r['cold_mb'] / mb:6.0f} MB   "
          f"({r['cold_sys']:.1f} s of it in the kernel; {pages} files written)"
          f"{spread([c.seconds for c in colds])}")
    cores = os.cpu_count() or 1
    print(f"  cold, CPU         {r['cold_cpu']:7.2f} s   (user and kernel, every process): "
          f"{r['cold_cpu'] / cores:.2f} s at best on {cores} cores, "
          f"{r['cold_cpu'] / r['cold']:.2f} cores busy on average")
    print(f"  warm build        {r['warm']:7.2f} s   peak {r['warm_mb'] / mb:6.0f} MB")
    print(f"  one-article edit  {r['edit']:7.2f} s   peak {r['edit_mb'] / mb:6.0f} MB   "
          "(a new `timeline build` process)")
    print(f"  edit, serve       {r['serve_signal'] * 1000:7.0f} ms  to the reload signal, "
          f"{r['serve_page'] * 1000:.0f} ms to the reloaded page (`timeline serve`)")
    print(f"  floor             {r['floor']:7.2f} s   cold/floor {r['cold'] / r['floor']:.1f}x"
          f"{spread(floors)}")
    if "eleventy" in r:
        print(f"  eleventy          {r['eleventy']:7.2f} s   cold/eleventy "
              f"{r['cold'] / r['eleventy']:.2f}x{spread(elevens)}")
        print(f"  eleventy, CPU     {r['eleventy_cpu']:7.2f} s   cold/eleventy in CPU "
              f"{r['cold_cpu'] / r['eleventy_cpu']:.2f}x")
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--jobs", help="passed to timeline build --jobs")
    parser.add_argument("--work", type=Path, help="keep corpora here (default: a temp dir)")
    parser.add_argument("--no-eleventy", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="cold builds and references, in turn, N times: the medians "
                        "(and the largest peak) are reported (default 3)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    work = args.work or Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        measure(n, work, args.jobs, not args.no_eleventy, max(1, args.repeat))
    shutil.rmtree(work / ".trash", ignore_errors=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
