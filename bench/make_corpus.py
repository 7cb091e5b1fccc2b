"""A deterministic generator of news-like articles for the benchmarks.

    python bench/make_corpus.py N OUT_DIR [--seed 1]

Writes N Markdown articles (front matter; 2.5-3.5 KB each) under OUT_DIR, in one folder per
year. Happenings recur across invented outlets in different words and date forms ("on
Tuesday", "4 March 2025", "Mar. 4", "yesterday"); names come in several spellings; every
article carries background dates of every precision, durations, sets, page noise and
words that trip naive date parsers ("may", "march", "44%", "the 25th anniversary").
All text is made up here.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

OUTLETS = ["Harbour Ledger", "Steppe Wire", "Strait Monitor", "Pacific Desk Review",
           "Northern Courier", "Delta Evening Post", "Meridian Daily", "Coastline Herald"]
PEOPLE = [("Sergei Shoigu", "Shoigu", "Choigou", "Shoygu"), ("Wang Yi", "Wang", "Wang Yi"),
          ("Lai Ching-te", "William Lai", "Lai"), ("Vladimir Putin", "Putin", "Poutine"),
          ("Xi Jinping", "President Xi", "Xi"), ("Ursula Hartmann", "Hartmann", "Hartman"),
          ("Kemal Aydın", "Aydin", "Aydın"), ("Maria Kovalenko", "Kovalenko", "Kowalenko"),
          ("Ahmed Farouk", "Farouk", "Faruq"), ("Ji-woo Park", "Park", "Park Ji-woo")]
PLACES = ["Beijing", "Moscow", "Taipei", "Geneva", "Ankara", "Seoul", "Brasília", "Nairobi",
          "Jakarta", "Oslo", "Hanoi", "Lima"]
KINDS = [("met {b} in {place} for talks on {topic}", "held talks with {b} in {place} about {topic}",
          "sat down with {b} in {place} to discuss {topic}"),
         ("signed an agreement on {topic} with {b} in {place}",
          "and {b} put their names to a deal on {topic} in {place}",
          "concluded a {topic} accord with {b} in {place}"),
         ("visited {place} and was received by {b}", "arrived in {place} on a visit hosted by {b}",
          "travelled to {place}, where {b} welcomed the delegation"),
         ("spoke with {b} by telephone about {topic}", "held a phone call with {b} on {topic}",
          "called {b} to discuss {topic}")]
TOPICS = ["energy supplies", "grain exports", "shipping lanes", "border security",
          "a ceasefire", "rare earth metals", "fishing rights", "space cooperation",
          "customs rules", "railway links"]
FILLER = [
    "Officials declined to give further details of the discussions.",
    "The ministry published a short statement on its website.",
    "Analysts said the language of the statement was unusually warm.",
    "Neither side answered questions from reporters after the meeting.",
    "Trade between the two countries has grown steadily, according to customs figures.",
    "Opposition lawmakers criticised the government for the lack of transparency.",
    "The talks took place behind closed doors in a government guest house.",
    "Diplomats described the atmosphere as businesslike rather than friendly.",
    "Markets barely reacted to the news, and the currency was little changed.",
    "Several smaller delegations attended as observers.",
    "Protesters march through the capital every weekend to demand a public inquiry.",
    "The agreement may still need the approval of parliament.",
    "A survey found that 44% of the sources quoted in state media were officials.",
    "The foundation received US$56 million and supported 105 children last year.",
    "Local newspapers gave the visit only a few lines on their inside pages.",
    "Some experts warned that the deal could take years to implement.",
]
NOISE = ["Advertisement", "Share this article", "Subscribe to our newsletter", "29 Articles",
         "Upgrade to Premium", "Related coverage", "Read more"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
        "Nov.", "Dec."]


MAX_BYTES = 3584
"""3.5 KB: the largest article (the smallest is over 2.5 KB: its paragraphs alone reach
2,400 characters, its front matter and title add about 250 bytes)."""


def date_form(day: date, published: date, rng: random.Random) -> str:
    """One way a reporter could write ``day``, seen from ``published``."""
    forms = [f"on {day.day} {MONTHS[day.month - 1]} {day.year}",
             f"on {ABBR[day.month - 1]} {day.day}, {day.year}", f"on {day.isoformat()}"]
    gap = (published - day).days
    if 0 <= gap < 7:
        forms += [f"on {WEEKDAYS[day.weekday()]}"] * 2
    if gap == 1:
        forms.append("yesterday")
    if 0 <= gap < 300:
        forms += [f"on {ABBR[day.month - 1]} {day.day}",
                  f"on {WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"]
    return rng.choice(forms)


EXTRA = ["A spokesperson for {p} said the government in {place} welcomed any step that "
         "reduced tension.", "Business groups in {place} urged both sides to keep {topic} "
         "out of politics.", "{p} told a local radio station that talks on {topic} would "
         "continue at a technical level.", "Newspapers in {place} noted that {p} had avoided "
         "the subject of {topic} in public remarks.", "Critics of {p} argued that the "
         "approach to {topic} had delivered little so far."]


def extra(rng: random.Random) -> str:
    return rng.choice(EXTRA).format(p=rng.choice(rng.choice(PEOPLE)), place=rng.choice(PLACES),
                                    topic=rng.choice(TOPICS))


def background(published: date, rng: random.Random) -> list[str]:
    year = published.year
    return [
        f"The two governments first discussed the idea in {MONTHS[rng.randrange(12)]} "
        f"{year - rng.randint(1, 3)}.",
        f"Relations cooled in {year - rng.randint(2, 6)} and recovered only slowly.",
        f"Negotiators have worked on the text for {rng.choice(['three', 'two', 'five'])} years.",
        f"Experts expect a decision in {rng.choice(['early', 'mid-', 'late'])} {year + 1}."
        .replace("mid- ", "mid-"),
        f"Ministers meet every year to review progress, most recently in "
        f"{rng.choice(['spring', 'autumn'])} {year - 1}.",
        "Next month marks the 25th anniversary of the first treaty between them.",
        f"In the {rng.choice(['1990s', '1980s', '2000s'])}, trade between them was minimal.",
    ]


def article(i: int, rng: random.Random, happenings: list[dict[str, object]]
            ) -> tuple[str, str, dict[str, object]]:
    h = rng.choice(happenings)
    day: date = h["day"]  # type: ignore[assignment]
    published = day + timedelta(days=rng.choice([0, 1, 1, 2, 3, 5]))
    outlet = rng.choice(OUTLETS)
    a = rng.choice(PEOPLE[h["a"]][1:] if rng.random() < 0.6 else PEOPLE[h["a"]][:1])  # type: ignore[index]
    b = rng.choice(PEOPLE[h["b"]])  # type: ignore[index]
    verb = rng.choice(KINDS[h["kind"]]).format(b=b, place=h["place"], topic=h["topic"])  # type: ignore[index]
    when = date_form(day, published, rng)
    lead = f"{a} {verb} {when}, officials said." if rng.random() < 0.5 else \
        f"{when[0].upper() + when[1:]}, {a} {verb}."
    second = f"{PEOPLE[h['a']][0]} and {b} last met in {h['place']} " \
             f"{rng.choice(['two years ago', 'in 2019', 'the previous autumn'])}."  # type: ignore[index]
    parts = [lead, second]
    body = background(published, rng)
    rng.shuffle(body)
    filler = FILLER[:]
    rng.shuffle(filler)
    paragraphs = [" ".join(parts)]
    pool = body + filler
    k = 0
    target = rng.randint(2400, 3200)
    while sum(len(p) for p in paragraphs) < target:
        pair = pool[k:k + 2] if k < len(pool) else [extra(rng), extra(rng)]
        paragraphs.append(" ".join(pair))
        k += 2
        if rng.random() < 0.25:
            paragraphs.append(rng.choice(NOISE))
    title = f"{a} {verb.split(' in ')[0]}"[:90]
    slug = f"{published.year}/{i:05d}-{outlet.split()[0].lower()}"
    front = (f"---\ntitle: \"{title}\"\nsource: {outlet}\n"
             f"url: https://{outlet.split()[0].lower()}.example/{slug}\n"
             f"published: {published.isoformat()}\nlanguage: en\ntags: [bench, "
             f"{TOPICS.index(h['topic'])}]\n---\n")  # type: ignore[arg-type]
    text = front + f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    while len(text.encode()) > MAX_BYTES:  # the last paragraph overshot: leave it out
        paragraphs.pop()
        text = front + f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    truth = {"happening": h["number"], "day": day.isoformat(),
             "people": sorted([PEOPLE[h["a"]][0], PEOPLE[h["b"]][0]]),  # type: ignore[index]
             "kind": h["kind"], "place": h["place"], "topic": h["topic"],
             "published": published.isoformat(), "lead": lead}
    return slug, text, truth


def generate(n: int, out: Path, seed: int = 1, truth: Path | None = None) -> None:
    rng = random.Random(seed)
    start = date(2019, 1, 1)
    # About one happening per three articles, so most are reported by several outlets.
    happenings = [{"day": start + timedelta(days=rng.randrange(2600)),
                   "a": rng.randrange(len(PEOPLE)), "b": rng.randrange(len(PEOPLE)),
                   "kind": rng.randrange(len(KINDS)), "place": rng.choice(PLACES),
                   "topic": rng.choice(TOPICS)} for _ in range(max(1, n // 3))]
    for number, h in enumerate(happenings):
        h["number"] = number  # (no random draw: the articles stay the same bytes)
        if h["a"] == h["b"]:
            h["b"] = (h["b"] + 1) % len(PEOPLE)  # type: ignore[operator]
    told: dict[str, dict[str, object]] = {}
    for i in range(n):
        slug, text, told[slug] = article(i, rng, happenings)
        path = out / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if truth is not None:
        truth.write_text(json.dumps(told, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--truth", type=Path, metavar="FILE",
                        help="also write, as JSON, each article's happening (its number, "
                             "day, people, kind, place and topic), the published date and "
                             "the lead sentence that tells it")
    args = parser.parse_args()
    generate(args.n, args.out, args.seed, args.truth)


if __name__ == "__main__":
    main()
