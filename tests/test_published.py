"""A document's date from the text itself when the front matter gives none: a wire
dateline, or the page's own "Published ..." line as copied from the web; and what such
lines do to events and titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.build import extract, read_documents
from timeline.config import load_config
from timeline.dates import span_label
from timeline.events import make_title
from timeline.temporal import Settings


def _site(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str | None, str, str]]:
    """(document, published, published_from, "label | title" of each event) per document."""
    (tmp_path / "content").mkdir()
    for name, text in files.items():
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    docs, problems = read_documents(config)
    assert not [p for p in problems if p.severity == "error"]
    out = []
    for doc in docs:
        events = extract(doc, Settings.from_config(config.dates)).events
        out.append((doc.id, doc.published.isoformat() if doc.published else None,
                    doc.published_from, " / ".join(
                        f"{span_label(e.date) if e.date else 'undated'} | {e.title}"
                        for e in events)))
    return sorted(out)


@pytest.mark.parametrize(("line", "published", "kind"), [
    ("Published: Tuesday, 4 March 2025 10:31 GMT", "2025-03-04", "dateline"),
    ("Posted on 2025-03-04", "2025-03-04", "dateline"),
    ("First published March 4, 2025", "2025-03-04", "dateline"),
    # an update may come days after the text: the date is only inferred, and a weekday
    # stays unresolved
    ("Updated 4 March 2025", "2025-03-04", "inferred"),
    # not a date line: a sentence, or no year
    ("Updated figures came out on 3 March 2025.", None, "none"),
    ("Published 4 March", None, "none"),
])
def test_the_pages_own_date_line_dates_the_document(tmp_path: Path, line: str,
                                                    published: str | None, kind: str) -> None:
    (found,) = _site(tmp_path, {"a.txt": f"Talks in Oslo\n\n{line}\n\nOfficials met on Monday "
                                          "in Oslo.\n"})
    assert found[1:3] == (published, kind)
    if kind == "dateline":  # the line itself is no event; Monday is the day before
        assert found[3] == "3 Mar 2025 | Officials met on Monday in Oslo"
    else:  # Monday of no known day: the meeting is shown, undated
        assert [e for e in found[3].split(" / ") if "Officials met" in e] == [
            "undated | Officials met on Monday in Oslo"]
        assert "Published 4 March" not in found[3]  # a page's date line is no happening


def test_a_sentence_tying_its_date_to_another_happening_is_no_bare_date(tmp_path: Path) -> None:
    """"The talks followed a visit on 12 February" dates the visit: it must not lend that
    date to the sentence before it, as "The meeting took place on Sunday" does."""
    (found,) = _site(tmp_path, {"c.txt": "Officials met on Sunday in Moscow. The talks "
                                          "followed a visit on 12 February 2025.\n"})
    assert found[3] == ("undated | Officials met on Sunday in Moscow / "
                        "12 Feb 2025 | The talks followed a visit on 12 February 2025")


@pytest.mark.parametrize(("sentence", "title"), [
    ("BEIJING, March 4, 2025 (Xinhua) -- Chinese and Russian officials met on Monday.",
     "Chinese and Russian officials met on Monday"),
    ("MOSCOW (Reuters) - Russia and China held talks.", "Russia and China held talks"),
    ("Geneva, Feb 2 (AP) — Envoys met.", "Envoys met"),
    ("WASHINGTON — The Senate voted.", "The Senate voted"),
    # no dateline
    ("US – China trade talks resumed.", "US – China trade talks resumed"),
    ("NATO - the alliance - grew.", "NATO - the alliance - grew"),
])
def test_a_titles_dateline_goes(sentence: str, title: str) -> None:
    assert make_title(sentence) == title


def test_key_dates_lists_and_tables_date_their_events(tmp_path: Path) -> None:
    """A list of key dates, a date opening each item after a dash, and a Markdown table: each
    item or row is a happening (not a dateline), titled without its date or markup."""
    text = ("---\ntitle: Key dates\npublished: 2025-09-03\n---\n## Key dates\n\n"
            "- 2 March: Talks opened in Geneva.\n- 10 March – Ceasefire agreed.\n"
            "- **April 2:** Prisoner exchange.\n\n"
            "| Date | Event |\n|---|---|\n| 5 May 2024 | Election held |\n"
            "| 6 May 2024 | Results announced |\n")
    (found,) = _site(tmp_path, {"k.md": text})
    assert found[3].split(" / ") == ["2 Mar 2025 | Talks opened in Geneva",
                                     "10 Mar 2025 | Ceasefire agreed",
                                     "2 Apr 2025 | Prisoner exchange",
                                     "5 May 2024 | Election held",
                                     "6 May 2024 | Results announced"]


def test_a_key_date_is_no_dateline(tmp_path: Path) -> None:
    """Without front matter, "- 10 March 2024 – Ceasefire agreed" in a list does not date
    the article; "MOSCOW, Feb 2 —" still does, wherever a page gathering articles puts it."""
    found = _site(tmp_path, {
        "a.txt": "Key dates\n\n- 10 March 2024 – Ceasefire agreed.\n- 12 March 2024 – "
                 "Talks resumed.\n",
        "b.txt": "Roundup\n\nTrade grew in 2023.\n\nThe ports reopened in 2024.\n\n"
                 "Prices fell in 2025.\n\nMOSCOW, Feb 2, 2026 — Officials met on Sunday.\n"})
    assert [f[1:3] for f in found] == [(None, "none"), ("2026-02-02", "dateline")]
    assert found[0][3] == "10 Mar 2024 | Ceasefire agreed / 12 Mar 2024 | Talks resumed"
    assert found[1][3].endswith("1 Feb 2026 | Officials met")
