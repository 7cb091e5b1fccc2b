"""The repository's own example site (content/ and timeline.toml) builds into what the
README promises: merged, multi-source events, honest precision, no drafts, no traps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timeline.build import build, make_cache
from timeline.config import load_config

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not CONTENT.is_dir():
        pytest.skip("no example corpus in this checkout")
    out = tmp_path_factory.mktemp("example-output")
    config = load_config(REPO, output_dir=str(out))
    report = build(config, cache=make_cache(config, use_disk=False))
    assert not [p for p in report.warnings if p.severity == "error"]
    data: dict[str, Any] = json.loads((out / "events.json").read_text(encoding="utf-8"))
    return data


def _docs(event: dict[str, Any]) -> set[str]:
    return {s["document"] for s in event["sources"]}


def _quotes(event: dict[str, Any]) -> str:
    return " ".join(s["quote"] for s in event["sources"])


def test_example_has_enough_events_and_merges(site: dict[str, Any]) -> None:
    events = site["events"]
    assert len(events) >= 10
    assert sum(len(_docs(e)) >= 2 for e in events) >= 3
    outlets = {s["source"] for e in events for s in e["sources"] if s.get("source")}
    assert len(outlets) >= 4


def test_draft_is_left_out(site: dict[str, Any]) -> None:
    drafts = [p for p in CONTENT.rglob("*.md")
              if "\ndraft: true" in p.read_text(encoding="utf-8")]
    assert drafts, "the example corpus should hold one draft"
    ids = {p.relative_to(CONTENT).with_suffix("").as_posix() for p in drafts}
    assert not {d for e in site["events"] for d in _docs(e)} & ids
    assert not {d["id"] for d in site["documents"]} & ids
    assert not [e for e in site["events"] if e["date"]["start"].startswith("2026-03")]


def test_precision_is_honest(site: dict[str, Any]) -> None:
    precisions = {e["date"]["precision"] for e in site["events"]}
    assert {"day", "month", "year"} <= precisions
    for e in site["events"]:
        start, precision = e["date"]["start"], e["date"]["precision"]
        if precision == "month" and not e["date"]["approximate"]:
            assert len(start) == 7, e  # "2025-12", never a made-up day
        if precision == "year":  # "2022", or "2022-01" to "2022-04" for "early 2022"
            assert len(start) == 4 or (len(start) == 7 and e["date"]["approximate"]), e


def test_the_same_day_in_three_date_forms_is_one_event(site: dict[str, Any]) -> None:
    """"on Friday", "4 February 2022" and "last Friday" from three outlets: one event."""
    day = [e for e in site["events"] if e["date"]["start"] == "2022-02-04"]
    assert len(day) == 1
    assert len(_docs(day[0])) == 3


def test_dateline_document_is_dated_and_merged(site: dict[str, Any]) -> None:
    txt = [d for d in site["documents"] if d["path"].endswith(".txt")]
    assert len(txt) == 1
    assert not (CONTENT / txt[0]["path"]).read_text(encoding="utf-8").startswith("---")
    assert txt[0]["published"] == "2024-05-21"
    assert txt[0]["published_from"] == "dateline"
    cited = [e for e in site["events"] if txt[0]["id"] in _docs(e)]
    assert any(len(_docs(e)) >= 3 and e["date"]["start"] == "2024-05-20" for e in cited)


def test_name_variants_merge(site: dict[str, Any]) -> None:
    """Shoigu and Choïgou, in two outlets, month precision: one event."""
    month = [e for e in site["events"]
             if e["date"]["start"] == "2023-04" and "Li Shangfu" in _quotes(e)]
    assert len(month) == 1 and len(_docs(month[0])) == 2
    assert "Shoigu" in _quotes(month[0]) and "Choïgou" in _quotes(month[0])


def test_month_only_in_two_forms_is_one_event(site: dict[str, Any]) -> None:
    """"Last December" and "In December 2025": one month-precision event."""
    december = [e for e in site["events"] if e["date"]["start"] == "2025-12"]
    assert len(december) == 1
    assert december[0]["date"]["precision"] == "month"
    assert len(_docs(december[0])) == 2


def test_approximate_dates_stay_approximate(site: dict[str, Any]) -> None:
    """"early 2022" and "mid-March" are approximate spans, not a first day."""
    early = [e for e in site["events"] if "early 2022" in _quotes(e)]
    assert early and all(e["date"]["approximate"] for e in early)
    assert early[0]["date"]["start"] == "2022-01"
    mid = [e for e in site["events"] if "mid-March" in _quotes(e)]
    assert mid and all(e["date"]["approximate"] and e["date"]["start"] != "2023-03-01"
                       for e in mid)


def test_traps_give_no_event(site: dict[str, Any]) -> None:
    for e in site["events"]:
        quotes = _quotes(e)
        assert "44%" not in quotes and "71.9%" not in quotes, e
        assert "may encourage" not in quotes and "may have been" not in quotes, e
        assert "march up and down" not in quotes, e
        assert "for three years" not in quotes and "three-day ceasefire" not in quotes, e
        assert "Winter Olympics" not in quotes, e
        if "25th anniversary" in quotes:  # the treaty of 2001, not the anniversary year
            assert e["date"]["start"] == "2001", e
    assert all(e["date"]["start"] <= "2026-12" for e in site["events"])
