"""How right the dates and merges of a generated corpus are, against what its generator
says each article's lead sentence reports.

    python bench/merge_truth.py [--sizes 1000 4000] [--work DIR]

For each size, writes the corpus with bench/make_corpus.py --truth (the same articles as
bench/build.py's), builds it without writing a site, and prints: lead sentences without an
event or in several, leads whose event has another date than their day, happenings told by several
events (split), events telling several happenings (mixed), events that join a lead with
a year- or season-dated "X and Y last met in ..." (an earlier meeting), and how many
pairs of such sentences one event cites that name the same people and place, or not.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]  # make_corpus, and this timeline

from make_corpus import PEOPLE  # noqa: E402

from timeline.build import build  # noqa: E402
from timeline.config import load_config  # noqa: E402

WHO = {variant: i for i, variants in enumerate(PEOPLE) for variant in variants}
EARLIER = re.compile(r"(.+?) and (.+?) last met in (\S+)")
"""The generator's second sentence: an earlier meeting, dated only to a year or season."""


def measure(n: int, work: Path) -> dict[str, int]:
    site, truth_file = work / f"truth-{n}", work / f"truth-{n}.json"
    if not truth_file.exists():
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(n),
                        str(site / "content"), "--truth", str(truth_file)], check=True)
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    events = build(load_config(site), write=False).timeline.events
    leads: dict[str, list[str]] = collections.defaultdict(list)
    told_by: dict[int, set[str]] = collections.defaultdict(set)
    wrong = mixed = earlier = 0
    pairs = {True: 0, False: 0}
    for e in events:
        told = set()
        for c in e.citations:
            t = truth.get(c.document)
            if t is None or c.quote != t["lead"]:
                continue
            leads[c.document].append(e.id)
            told.add(t["happening"])
            told_by[t["happening"]].add(e.id)
            if e.date is None or not (e.date.start.isoformat() == t["day"]
                                      == e.date.end.isoformat()):
                wrong += 1
        mixed += len(told) > 1
        earlier += bool(told) and any(" last met in " in c.quote for c in e.citations)
        met = [(frozenset({WHO[m[1]], WHO[m[2]]}), m[3]) for c in e.citations
               if (m := EARLIER.match(c.quote)) and m[1] in WHO and m[2] in WHO]
        for i, one in enumerate(met):
            for other in met[i + 1:]:
                pairs[one == other] += 1
    return {"articles": len(truth), "events": len(events),
            "happenings": len({t["happening"] for t in truth.values()}),
            "leads without an event": sum(1 for d in truth if d not in leads),
            "leads in several events": sum(1 for ids in leads.values() if len(ids) > 1),
            "leads with a wrong date": wrong,
            "split happenings": sum(1 for ids in told_by.values() if len(ids) > 1),
            "mixed events": mixed, "leads joined with an earlier meeting": earlier,
            "earlier meetings cited together, same people and place": pairs[True],
            "earlier meetings cited together, not": pairs[False]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--work", type=Path, default=None,
                        help="where corpora are written and kept (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            found = measure(n, work)
            print(f"\n{n} articles")
            for key, value in found.items():
                print(f"  {key:40} {value}")


if __name__ == "__main__":
    main()
