"""The ``timeline`` command: the only module that prints or picks exit codes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from timeline import __version__
from timeline.errors import Problem, TimelineError

if TYPE_CHECKING:
    from timeline.build import BuildReport

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_PIPE = 141
"""The reader of the output went away (``timeline extract ... | head``): the code a shell
gives a command that SIGPIPE ended."""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _port(text: str) -> int:
    """A --port: a TCP port number (0: any free one)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0 to 65535)")
    return port


def _published(text: str) -> date:
    """A --published date: ISO, and in the years documents may be dated."""
    from timeline.documents import PUBLISHED_YEARS, plausible

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (write it as YYYY-MM-DD)") from None
    if not plausible(day):
        raise argparse.ArgumentTypeError(f"out of range: {text} (articles are dated from "
                                         f"{PUBLISHED_YEARS[0]} to {PUBLISHED_YEARS[1]})")
    return day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeline", description="Turn a folder of news articles into a cited timeline.")
    parser.add_argument("--version", action="version", version=f"timeline {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser("build", help="build the site into output/")
    check = sub.add_parser("check", help="read and extract everything, write nothing")
    for p in (build, check):
        p.add_argument("site", nargs="?", type=Path, default=Path("."), metavar="SITE_DIR")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--no-cache", action="store_true", help="ignore .timeline-cache/")
        p.add_argument("--config", type=Path, help="config file (default SITE_DIR/timeline.toml)")
        p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
        p.add_argument("--timings", action="store_true",
                       help="say how long each stage took (read, extract, merge, write)")
        p.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                       help="use N processes: extraction on N, event pages written by a "
                       "second one when N > 1 (default: every core)")
    build.add_argument("-o", "--output", type=Path, help="output folder (default output/)")
    build.add_argument("--site-url", help="public URL of the site, for absolute links")

    new = sub.add_parser("new", help="make a new site with one sample article")
    new.add_argument("dir", type=Path, metavar="DIR")

    extract = sub.add_parser("extract", help="list the time expressions in documents")
    extract.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    extract.add_argument("--published", type=_published, metavar="YYYY-MM-DD",
                         help="the date to resolve relative expressions against")
    extract.add_argument("--json", action="store_true", help="print JSON")
    extract.add_argument("--date-order", choices=("DMY", "MDY", "YMD"), default=None)

    explain = sub.add_parser("explain", help="say how an event or a document was dated")
    explain.add_argument("what", metavar="EVENT_ID|DOCUMENT")
    explain.add_argument("site", nargs="?", type=Path, default=Path("."), metavar="SITE_DIR")

    compare = sub.add_parser("compare", help="say why two events were not merged into one")
    compare.add_argument("first", metavar="EVENT_ID")
    compare.add_argument("second", metavar="EVENT_ID")
    compare.add_argument("site", nargs="?", type=Path, default=Path("."), metavar="SITE_DIR")

    clean = sub.add_parser("clean", help="remove output/ files and .timeline-cache/")
    clean.add_argument("site", nargs="?", type=Path, default=Path("."), metavar="SITE_DIR")

    serve = sub.add_parser("serve", help="build, serve and rebuild on every change")
    serve.add_argument("site", nargs="?", type=Path, default=Path("."), metavar="SITE_DIR")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--open", action="store_true", help="open a browser")
    serve.add_argument("--poll", action="store_true", help="poll for changes")
    return parser


def _print_problems(problems: Sequence[Problem]) -> None:
    for p in problems:
        print(p, file=sys.stderr)


def _summary(problems: Sequence[Problem], docs: int | None = None) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    where = f" in {docs} documents" if docs is not None else ""
    return (f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            f"{where}")


_UNITS = {"extracting": "articles", "writing": "files"}
"""What the stages of a build count (merging counts nothing)."""


class _ProgressBar:
    """A one-line progress bar on an interactive terminal (extracting, merging, writing),
    shown only when the build takes more than about a second, and drawn at most ten times
    a second within a stage."""

    def __init__(self, delay: float = 1.0) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.delay = delay
        self.shown = False
        self.drawn = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if not self.shown and now - self.started < self.delay:
            return
        if self.shown and now - self.drawn < 0.1 and done < total and stage == self.stage:
            return
        self.shown, self.drawn, self.stage = True, now, stage
        width = 30
        filled = width * done // max(total, 1)
        unit = _UNITS.get(stage)
        count = f" {done}/{total} {unit}" if unit else ""
        sys.stderr.write(f"\r\033[K{stage:<10} [{'#' * filled}{'.' * (width - filled)}]{count}")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


def _cmd_build(args: argparse.Namespace, write: bool) -> int:
    from timeline.build import build, make_cache
    from timeline.config import load_config

    overrides = {}
    if write and args.output is not None:
        overrides["output_dir"] = str(args.output.resolve())
    if write and args.site_url:
        overrides["site_url"] = args.site_url
    config = load_config(args.site, args.config, **overrides)
    bar = _ProgressBar() if not args.quiet and sys.stderr.isatty() else None
    try:
        report = build(config, cache=make_cache(config, not args.no_cache), strict=args.strict,
                       write=write, jobs=args.jobs, progress=bar)
    except TimelineError as exc:
        if bar:
            bar.clear()
        _print_problems(exc.problems)
        print(f"Build failed: {_summary(exc.problems)}; nothing was written.", file=sys.stderr)
        return EXIT_INPUT
    if bar:
        bar.clear()
    _print_problems(report.warnings)
    if report.unchanged is not None:
        if not args.quiet:
            u = report.unchanged
            print(f"{u.documents} documents, {u.events} events ({u.merged} cited by several "
                  f"sources); nothing changed, {config.output_dir} is up to date "
                  f"({report.seconds:.2f}s)")
        _print_timings(args, report)
        return EXIT_OK
    if not args.quiet:
        t = report.timeline
        merged = sum(1 for e in t.events if len({c.document for c in e.citations}) > 1)
        what = f"wrote {len(report.written.written)} files to {config.output_dir}" if (
            report.written) else "checked, nothing written"
        print(f"{len(t.documents)} documents, {len(t.events)} events ({merged} cited by several "
              f"sources); {what} in {report.seconds:.2f}s "
              f"(cache: {report.cache_hits} hits, {report.cache_misses} misses)")
    _print_timings(args, report)
    return EXIT_OK


def _print_timings(args: argparse.Namespace, report: BuildReport) -> None:
    """With --timings, on stderr after the summary: ``timings: read 0.65 s, extract 3.40 s,
    merge 2.30 s, write 4.85 s (11.20 s in all)``."""
    if args.timings:
        sys.stdout.flush()
        print("timings: " + ", ".join(f"{name} {spent:.2f} s" for name, spent in report.stages)
              + f" ({report.seconds:.2f} s in all)", file=sys.stderr)


def _cmd_new(args: argparse.Namespace) -> int:
    from timeline.scaffold import make_site

    make_site(args.dir)
    print(f"Made a new site in {args.dir}. Next: cd {args.dir} && timeline build")
    return EXIT_OK


def _cmd_extract(args: argparse.Namespace) -> int:
    from timeline.extract import extract_file, table

    results = [extract_file(path, args.published, args.date_order) for path in args.paths]
    if args.json:
        payload = results[0] if len(results) == 1 else results
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for result in results:
            print(table(result))
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from timeline.build import Session, build_timeline, make_cache
    from timeline.config import load_config
    from timeline.extract import explain_apart

    config = load_config(args.site)
    session = Session()  # keeps the merge's state, which says why two stayed apart
    timeline = build_timeline(config, make_cache(config), session=session)
    print(explain_apart(timeline, session.merger, args.first, args.second))
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from timeline.build import build_timeline, make_cache
    from timeline.config import load_config
    from timeline.extract import explain

    config = load_config(args.site)
    timeline = build_timeline(config, make_cache(config))
    text = explain(timeline, args.what)
    if text is None:
        print(f"error: no event or document '{args.what}'", file=sys.stderr)
        return EXIT_INPUT
    print(text)
    return EXIT_OK


def _cmd_clean(args: argparse.Namespace) -> int:
    from timeline.cache import clear
    from timeline.config import load_config
    from timeline.output import remove_site

    config = load_config(args.site)
    removed = remove_site(config.output_dir) if config.output_dir.is_dir() else []
    cleared = clear(config.cache_dir)
    print(f"removed {len(removed)} files from {config.output_dir}"
          f"{' and the extraction cache' if cleared else ''}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from timeline.config import load_config
    from timeline.serve import serve

    config = load_config(args.site)
    bar = _ProgressBar() if sys.stderr.isatty() else None  # for the first build

    def report(message: str) -> None:
        if bar:
            bar.clear()
        print(message, file=sys.stderr, flush=True)

    try:
        serve(config, host=args.host, port=args.port, open_browser=args.open, poll=args.poll,
              report=report, progress=bar)
    except OSError as exc:  # the port is taken, or the host is not ours
        print(f"error: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        print("hint: choose another port with --port", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a CI job's timeout, a container stopping): unwinds as Ctrl-C
    does, so that a build removes its staging folder and stops its helper process."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None, *, then_exit: bool = False) -> int:
    """Run the command line; return the exit code (0 ok, 1 bad input, 2 usage, 3 our bug,
    130 interrupted, 141 output's reader gone, 143 terminated). ``then_exit``: the process
    ends as soon as this returns (see run())."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    handled = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if handled else None
    try:
        return _run(args, then_exit)
    finally:
        if handled and previous is not None:
            signal.signal(signal.SIGTERM, previous)


def run() -> NoReturn:
    """The ``timeline`` command itself (``python -m timeline`` and the installed script):
    main(), then exit at once, without the interpreter's tidying up.

    That tidying frees every object one by one: after a build of 4,000 articles, 0.9 s of
    its 12 s went there, with every file written and every message printed (mypy exits
    so for the same reason). Nothing is lost: the build's processes are joined and its
    files closed before main() returns; only the output streams still need flushing."""
    code = main(then_exit=True)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what the interpreter would say
            code = code or 120
    os._exit(code)


def _run(args: argparse.Namespace, then_exit: bool = False) -> int:
    try:
        if args.command in ("build", "check"):
            if then_exit:
                # Turned on again after the build, the cyclic collector walked its millions
                # of objects once more (0.1 s at 4,000 articles) just before the exit, which
                # frees nothing anyway.
                gc.disable()
            return _cmd_build(args, write=args.command == "build")
        handler = {"new": _cmd_new, "extract": _cmd_extract, "explain": _cmd_explain,
                   "compare": _cmd_compare,
                   "clean": _cmd_clean, "serve": _cmd_serve}[args.command]
        return handler(args)
    except TimelineError as exc:
        _print_problems(exc.problems)
        print(f"Failed: {_summary(exc.problems)}.", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt as exc:
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:  # (the helper's pipes fail as OutputError, see offload)
        _silence_output()
        return EXIT_PIPE
    except Exception:
        _report_bug()
        return EXIT_BUG


def _silence_output() -> None:
    """Point standard output, whose reader went away, at os.devnull, so that what is left
    in its buffer fails no more on the way out (Python's documented remedy)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _report_bug() -> None:
    traceback.print_exc()
    print("This is a bug in timeline, please report it with the message above.",
          file=sys.stderr)

