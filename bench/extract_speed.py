"""Time `timeline extract` over generated news articles: the target is 100 articles of about
3 KB in under a second in total, after start-up.

    python bench/extract_speed.py [--articles 100] [--size 3000] [--seed 7] [--repeat 1]

The articles are written for this benchmark from the sentence templates below (invented
places and people, many kinds of time expression, traps included), into a temporary
folder. Each one is then run through the function `timeline extract` calls
(timeline.extract.extract_file), in this process. Start-up (imports, the first call, which
builds dateparser's language data) is timed apart from the run that counts. With
--repeat N the articles are extracted N times and the median run counts, which steadies
the figure on a busy machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PLACES = ["Varnholm", "Port Elsin", "Kastoria Bay", "Tellurin", "Montavel", "the Osk valley",
          "North Dune", "Carrow", "Lindqvist Harbour", "Saltmarsh"]
PEOPLE = ["Mayor Ilse Brandt", "Minister Tomas Quill", "the harbour authority", "union leaders",
          "the regional council", "Judge Amara Holt", "the ferry company", "rescue teams",
          "the transport ministry", "local farmers"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TEMPLATES = [
    "{who} said on {day} that the new pier in {place} would open {future}.",
    "The storm that hit {place} on {d} {month} {year} flooded more than 300 homes.",
    "Talks between {who} and {who2} broke down {past}, according to two officials.",
    "{who} met in {place} {past} and agreed to meet again {future}.",
    "Work on the tunnel began in {month} {year} and is expected to take {n} years.",
    "Two days later, {who2} announced a review of the budget for the third quarter.",
    "The bridge at {place} was built in the {decade}s and last repaired in early {year}.",
    "Profit rose 12% to $4 million in the quarter, up from $3.1 million a year earlier.",
    "\u201cWe may march on the capital if nothing changes,\u201d one of {who} said.",
    "About 44% of residents took part, and 105 children were moved to schools in {place}.",
    "The fair, held every year since {year}, drew 20,000 visitors over the weekend.",
    "Since the beginning of the year, {who} has spent US$56 million on repairs.",
    "{who2} will decide in April or May whether to reopen the line to {place}.",
    "The 25th anniversary of the treaty falls on {month} {d}, officials noted.",
    "Flights resumed at 6 a.m. {day}, {n} hours after the runway was cleared.",
    "In {month}, {who} promised a vote in the coming months.",
    "The hearing was adjourned until {day} {d} {month}, the court said.",
    "Recently, {who} has warned that costs could double within five years.",
    "Fishing quotas were cut last year and will be reviewed next spring.",
    "The ferry sank in the winter of {year}; divers found it weeks later.",
    "A 52-year-old engineer from {place} led the inquiry for six months.",
    "By mid-{month}, {who} expects the first trains to run twice a day.",
]


def _sentence(rng: random.Random, published: date) -> str:
    year = rng.randint(1988, published.year)
    return rng.choice(TEMPLATES).format(
        who=rng.choice(PEOPLE), who2=rng.choice(PEOPLE), place=rng.choice(PLACES),
        day=rng.choice(DAYS), month=rng.choice(MONTHS), d=rng.randint(1, 28), year=year,
        decade=rng.choice([1950, 1960, 1970, 1980, 1990]), n=rng.randint(2, 9),
        past=rng.choice(["last week", "yesterday", "on Tuesday", "two weeks ago",
                         "last month", "earlier this year"]),
        future=rng.choice(["next month", "tomorrow", "on Friday", "next year",
                           "in the spring", "by the end of the year"]))


def make_articles(folder: Path, count: int, size: int, seed: int) -> list[Path]:
    """Write ``count`` articles of about ``size`` bytes, each with front matter."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        published = date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))
        place = rng.choice(PLACES)
        lines = ["---", f'title: "News from {place} #{i}"', f"published: {published}", "---",
                 f"{place.upper()}, {published:%b} {published.day} \u2014 " +
                 _sentence(rng, published)]
        paragraph: list[str] = []
        while sum(len(line) + 1 for line in lines) + sum(len(s) + 1 for s in paragraph) < size:
            paragraph.append(_sentence(rng, published))
            if len(paragraph) == 3:
                lines += ["", " ".join(paragraph)]
                paragraph = []
        if paragraph:
            lines += ["", " ".join(paragraph)]
        path = folder / f"article-{i:03d}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--size", type=int, default=3000, help="bytes per article (about)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median counts")
    args = parser.parse_args()
    started = time.perf_counter()
    from timeline.extract import extract_file

    with tempfile.TemporaryDirectory(prefix="timeline-speed-") as tmp:
        paths = make_articles(Path(tmp), args.articles, args.size, args.seed)
        warm = Path(tmp) / "warm-up.md"
        warm.write_text("---\npublished: 2021-05-04\n---\nIt rained on 3 May 2021.\n",
                        encoding="utf-8")
        extract_file(warm)
        startup = time.perf_counter() - started
        size = sum(p.stat().st_size for p in paths)
        runs = []
        for _ in range(max(1, args.repeat)):
            begin = time.perf_counter()
            found = sum(len(extract_file(p)["expressions"]) for p in paths)
            runs.append(time.perf_counter() - begin)
        seconds = statistics.median(runs)
    print(f"{len(paths)} articles, {size / len(paths) / 1000:.1f} KB each on average, "
          f"{found} time expressions")
    print(f"start-up {startup:.2f} s; extraction {seconds:.3f} s in total "
          f"({1000 * seconds / len(paths):.1f} ms an article); target < 1 s: "
          f"{'met' if seconds < 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
