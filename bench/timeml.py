"""Score `timeline extract` on TimeML files by the TempEval-3 Task A rules.

    python bench/timeml.py [FOLDER] [--errors N]

FOLDER (default ../shared/bench/tempeval3/train) is searched for .tml files. For each,
the text of <TEXT> and its gold TIMEX3s (offsets, type, value) are read; the text is
written to a plain file and run through `timeline extract --json --published DCT`
in-process (the CLI's own entry point), DCT being the file's CREATION_TIME timex; the
results are scored as ../shared/bench/tempeval3/METRICS.md says:

- relaxed match: system and gold extents overlap (by at least one token; extents start and
  end on word characters, so overlapping characters mean a shared token); one-to-one;
- strict match: a relaxed match with exactly the same extent text;
- P, R, F1 micro-averaged over all files;
- value (type) accuracy: the share of relaxed matches with the same value (type) string;
  value F1 = value accuracy x relaxed F1.

It prints those figures, a breakdown by TimeML type, the time spent, and with --errors N
up to N examples of misses, false positives and wrong values. Without TimeML files (no
../shared) it says so and exits 0; it exits non-zero only when something fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT = REPO.parent / "shared" / "bench" / "tempeval3" / "train"


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class Doc:
    name: str
    dct: str
    text: str
    gold: list[Timex]


@dataclass
class Score:
    system: int = 0
    gold: int = 0
    relaxed: int = 0
    strict: int = 0
    value_ok: int = 0
    type_ok: int = 0
    gold_by_type: Counter[str] = field(default_factory=Counter)
    system_by_type: Counter[str] = field(default_factory=Counter)
    relaxed_by_type: Counter[str] = field(default_factory=Counter)
    matched_system_by_type: Counter[str] = field(default_factory=Counter)
    value_by_type: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def read_tml(path: Path) -> Doc:
    """The text of <TEXT> with its TIMEX3s as character offsets, and the DCT value."""
    root = ET.parse(path).getroot()
    dct = ""
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = (timex.get("value") or "")[:10]
            break
    text_el = root.find("TEXT")
    if text_el is None:
        raise ValueError(f"{path}: no <TEXT>")
    parts: list[str] = []
    gold: list[Timex] = []
    size = 0

    def walk(el: ET.Element) -> None:
        nonlocal size
        start = size
        if el.text:
            parts.append(el.text)
            size += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                size += len(child.tail)
        if el.tag == "TIMEX3" and el is not text_el:
            extent = "".join(parts)[start:size]
            gold.append(Timex(start, size, extent, el.get("type", ""), el.get("value", "")))

    walk(text_el)
    return Doc(path.stem, dct, "".join(parts), gold)


def run_extract(doc: Doc, work: Path) -> list[Timex]:
    """Our expressions for one document, through the `timeline extract` command."""
    from timeline.cli import main

    path = work / f"{doc.name}.txt"
    # A leading '---' line would be read as front matter; the text never needs it.
    path.write_text(doc.text, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["extract", "--json", "--published", doc.dct, str(path)])
    if code != 0:
        raise RuntimeError(f"timeline extract failed on {doc.name} ({code})")
    found = json.loads(out.getvalue())["expressions"]
    return [Timex(e["start"], e["end"], e["text"], e["type"], e["value"]) for e in found]


def score(doc: Doc, system: list[Timex], total: Score) -> None:
    """Align one document's expressions with its gold ones (one-to-one, first overlap)."""
    total.system += len(system)
    total.gold += len(doc.gold)
    total.gold_by_type.update(g.type for g in doc.gold)
    total.system_by_type.update(s.type for s in system)
    used: set[int] = set()
    for g in doc.gold:
        match = next((i for i, s in enumerate(system) if i not in used
                      and s.start < g.end and g.start < s.end), None)
        if match is None:
            total.misses.append(f"{doc.name}: {g.text!r} {g.type} {g.value}")
            continue
        used.add(match)
        s = system[match]
        total.relaxed += 1
        total.relaxed_by_type[g.type] += 1
        total.matched_system_by_type[s.type] += 1
        total.strict += s.text == g.text
        total.type_ok += s.type == g.type
        if s.value == g.value:
            total.value_ok += 1
            total.value_by_type[g.type] += 1
        else:
            total.wrong.append(f"{doc.name}: {g.text!r} gold {g.type} {g.value}, "
                               f"ours {s.text!r} {s.type} {s.value}")
    for i, s in enumerate(system):
        if i not in used:
            total.extras.append(f"{doc.name}: {s.text!r} {s.type} {s.value}")


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def metrics(total: Score) -> dict[str, float]:
    """The TE3 figures: P, R, F1 strict and relaxed; value and type accuracy and F1."""
    out: dict[str, float] = {}
    for name, matches in (("strict", total.strict), ("relaxed", total.relaxed)):
        p, r = _ratio(matches, total.system), _ratio(matches, total.gold)
        out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = p, r, f1(p, r)
    for name, ok in (("value", total.value_ok), ("type", total.type_ok)):
        out[f"{name}_accuracy"] = _ratio(ok, total.relaxed)
        out[f"{name}_f1"] = out[f"{name}_accuracy"] * out["relaxed_f1"]
    return out


def type_metrics(total: Score, timex_type: str) -> dict[str, float]:
    """Relaxed P/R/F1 for one type (P over our expressions of that type, R over the gold
    ones) and the value accuracy of the gold ones of that type that we matched."""
    matched = total.relaxed_by_type[timex_type]
    p = _ratio(total.matched_system_by_type[timex_type], total.system_by_type[timex_type])
    r = _ratio(matched, total.gold_by_type[timex_type])
    return {"p": p, "r": r, "f1": f1(p, r),
            "value_accuracy": _ratio(total.value_by_type[timex_type], matched)}


def report(total: Score, seconds: float, extract_seconds: float, files: int,
           errors: int) -> None:
    m = metrics(total)
    print(f"{files} files, {total.gold} gold timexes, {total.system} ours")
    print(f"time     {seconds:.1f} s in all, {extract_seconds:.1f} s in `timeline extract` "
          f"({1000 * extract_seconds / max(files, 1):.1f} ms a file)")
    for name in ("strict", "relaxed"):
        print(f"{name:8} P {m[name + '_p']:.3f}  R {m[name + '_r']:.3f}  "
              f"F1 {m[name + '_f1']:.3f}")
    print(f"value    accuracy {m['value_accuracy']:.3f}  F1 {m['value_f1']:.4f}")
    print(f"type     accuracy {m['type_accuracy']:.3f}  F1 {m['type_f1']:.4f}")
    print("by type (relaxed: P over our expressions of the type, R over the gold ones):")
    for timex_type in sorted(total.gold_by_type | total.system_by_type):
        t = type_metrics(total, timex_type)
        print(f"  {timex_type:8} gold {total.gold_by_type[timex_type]:4}  ours "
              f"{total.system_by_type[timex_type]:4}  P {t['p']:.3f}  R {t['r']:.3f}  "
              f"F1 {t['f1']:.3f}  value accuracy {t['value_accuracy']:.3f}")
    if errors:
        for title, items in (("missed", total.misses), ("extra", total.extras),
                             ("wrong value", total.wrong)):
            print(f"\n{title} ({len(items)}):")
            for item in items[:errors]:
                print("  " + item)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="show N examples of each kind of error")
    args = parser.parse_args()
    files = sorted(args.folder.rglob("*.tml")) if args.folder.is_dir() else []
    if not files:
        print(f"skipped: no TimeML files under {args.folder} "
              "(../shared is only on developer machines)")
        return 0
    total = Score()
    started = time.perf_counter()
    extracting = 0.0
    with tempfile.TemporaryDirectory(prefix="timeline-timeml-") as tmp:
        for path in files:
            doc = read_tml(path)
            before = time.perf_counter()
            found = run_extract(doc, Path(tmp))
            extracting += time.perf_counter() - before
            score(doc, found, total)
    report(total, time.perf_counter() - started, extracting, len(files), args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
