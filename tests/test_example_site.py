"""The repository's own example site (content/ and timeline.toml) builds into what the
README promises: merged, multi-source events, honest precision, no drafts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timeline.build import build
from timeline.config import load_config

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not (REPO / "content").is_dir():
        pytest.skip("no example corpus in this checkout")
    out = tmp_path_factory.mktemp("example-output")
    config = load_config(REPO, output_dir=str(out))
    from timeline.build import make_cache

    report = build(config, cache=make_cache(config, use_disk=False))
    assert not [p for p in report.warnings if p.severity == "error"]
    data: dict[str, Any] = json.loads((out / "events.json").read_text(encoding="utf-8"))
    data["_out"] = out
    return data


def _docs(event: dict[str, Any]) -> set[str]:
    return {s["document"] for s in event["sources"]}


def test_example_has_enough_events_and_merges(site: dict[str, Any]) -> None:
    events = site["events"]
    assert len(events) >= 10
    assert sum(len(_docs(e)) >= 2 for e in events) >= 3
    outlets = {s["source"] for e in events for s in e["sources"] if s.get("source")}
    assert len(outlets) >= 4


def test_draft_is_left_out(site: dict[str, Any]) -> None:
    drafts = [p for p in (REPO / "content").rglob("*.md")
              if "\ndraft: true" in p.read_text(encoding="utf-8")]
    assert drafts, "the example corpus should hold one draft"
    ids = {p.relative_to(REPO / "content").with_suffix("").as_posix() for p in drafts}
    assert not {d for e in site["events"] for d in _docs(e)} & ids
    assert not {d["id"] for d in site["documents"]} & ids


def test_precision_is_honest(site: dict[str, Any]) -> None:
    precisions = {e["date"]["precision"] for e in site["events"]}
    assert {"day", "month", "year"} <= precisions
    for e in site["events"]:
        start, precision = e["date"]["start"], e["date"]["precision"]
        if precision == "month":
            assert len(start) == 7, e  # "2025-12", never a made-up day
        if precision == "year":  # "2022", or "2022-01" to "2022-04" for "early 2022"
            assert len(start) == 4 or (len(start) == 7 and e["date"]["approximate"]), e


def test_the_same_day_in_three_date_forms_is_one_event(site: dict[str, Any]) -> None:
    """"on Friday", "4 February 2022" and "Feb. 4" from three outlets: one event."""
    day = [e for e in site["events"] if e["date"]["start"] == "2022-02-04"]
    assert len(day) == 1
    assert len(_docs(day[0])) == 3


def test_dateline_document_is_dated_and_merged(site: dict[str, Any]) -> None:
    txt = [d for d in site["documents"] if d["id"].endswith("taipei-inauguration")]
    assert txt and txt[0]["published"] == "2024-05-21"
    assert txt[0]["published_from"] == "dateline"
    cited = [e for e in site["events"] if txt[0]["id"] in _docs(e)]
    assert any(len(_docs(e)) >= 2 and e["date"]["start"] == "2024-05-20" for e in cited)


def test_name_variants_merge(site: dict[str, Any]) -> None:
    """Shoigu and Choïgou, in two outlets, month precision: one event."""
    month = [e for e in site["events"] if e["date"]["start"] == "2023-04"]
    assert len(month) == 1 and len(_docs(month[0])) == 2


def test_traps_give_no_event(site: dict[str, Any]) -> None:
    for e in site["events"]:
        quotes = " ".join(s["quote"] for s in e["sources"])
        assert "44%" not in quotes and "71.9%" not in quotes
        assert "may encourage" not in quotes and "march each evening" not in quotes
        assert "Winter Olympics" not in quotes, e
    assert all(e["date"]["start"] <= "2026-12" for e in site["events"])
