"""Score `timeline extract` on TimeML files by the TempEval-3 Task A rules.

    python bench/timeml.py [FOLDER] [--errors N]

FOLDER (default ../shared/bench/tempeval3/train) is searched for .tml files. For each,
the text of <TEXT> and its gold TIMEX3s (offsets, type, value) are read; the text is
written to a plain file and run through `timeline extract --json --published DCT`
in-process (the CLI's own entry point); the results are scored as
../shared/bench/tempeval3/METRICS.md says:

- relaxed match: system and gold extents overlap (by at least one token; extents start and
  end on word characters, so overlapping characters mean a shared token); one-to-one;
- strict match: a relaxed match with exactly the same extent text;
- P, R, F1 micro-averaged over all files;
- value (type) accuracy: the share of relaxed matches with the same value (type) string;
  value F1 = value accuracy x relaxed F1.
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
    by_type: Counter[str] = field(default_factory=Counter)
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
    total.system += len(system)
    total.gold += len(doc.gold)
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
        total.by_type[g.type] += 1
        total.strict += s.text == g.text
        total.type_ok += s.type == g.type
        if s.value == g.value:
            total.value_ok += 1
        else:
            total.wrong.append(f"{doc.name}: {g.text!r} gold {g.type} {g.value}, "
                               f"ours {s.text!r} {s.type} {s.value}")
    for i, s in enumerate(system):
        if i not in used:
            total.extras.append(f"{doc.name}: {s.text!r} {s.type} {s.value}")


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def report(total: Score, seconds: float, files: int, errors: int) -> None:
    def prf(matches: int) -> tuple[float, float, float]:
        p = matches / total.system if total.system else 0.0
        r = matches / total.gold if total.gold else 0.0
        return p, r, f1(p, r)

    sp, sr, sf = prf(total.strict)
    rp, rr, rf = prf(total.relaxed)
    value_acc = total.value_ok / total.relaxed if total.relaxed else 0.0
    type_acc = total.type_ok / total.relaxed if total.relaxed else 0.0
    print(f"{files} files, {total.gold} gold timexes, {total.system} ours, {seconds:.1f} s")
    print(f"strict   P {sp:.3f}  R {sr:.3f}  F1 {sf:.3f}")
    print(f"relaxed  P {rp:.3f}  R {rr:.3f}  F1 {rf:.3f}")
    print(f"value    accuracy {value_acc:.3f}  F1 {value_acc * rf:.3f}")
    print(f"type     accuracy {type_acc:.3f}  F1 {type_acc * rf:.3f}")
    if errors:
        for title, items in (("missed", total.misses), ("extra", total.extras),
                             ("wrong value", total.wrong)):
            print(f"\n{title} ({len(items)}):")
            for item in items[:errors]:
                print("  " + item)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--errors", type=int, default=0, help="show N examples of each error")
    args = parser.parse_args()
    files = sorted(args.folder.rglob("*.tml")) if args.folder.is_dir() else []
    if not files:
        print(f"no TimeML files under {args.folder} (../shared is only on developer machines)")
        return
    total = Score()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="timeline-timeml-") as tmp:
        for path in files:
            doc = read_tml(path)
            score(doc, run_extract(doc, Path(tmp)), total)
    report(total, time.perf_counter() - started, len(files), args.errors)


if __name__ == "__main__":
    main()
