"""Build ../shared/devset and score it with ../shared/bin/score-events (developers only)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SHARED

from timeline.build import build, make_cache
from timeline.config import load_config


def _build_and_score(source: Path, gold: Path, tmp_path: Path) -> tuple[dict[str, float], str]:
    site = tmp_path / "site"
    shutil.copytree(source, site / "content")
    config = load_config(site)
    build(config, cache=make_cache(config, use_disk=False))
    run = subprocess.run([sys.executable, str(SHARED / "bin" / "score-events"),
                          str(config.output_dir), str(gold)], capture_output=True, text=True,
                         check=False)
    last = run.stdout.strip().splitlines()[-1]
    found = re.search(r"F1 ([\d.]+) \(precision ([\d.]+).*recall ([\d.]+).*sources ([\d.]+), "
                      r"bonus.*split events (\d+), forbidden (\d+)", last)
    assert found, run.stdout
    f1, precision, recall, sources, split, forbidden = map(float, found.groups())
    return {"f1": f1, "precision": precision, "recall": recall, "sources": sources,
            "split": split, "forbidden": forbidden}, run.stdout


def test_devset_with_front_matter(devset_dir: Path, tmp_path: Path) -> None:
    score, report = _build_and_score(devset_dir / "content", devset_dir / "gold.json", tmp_path)
    assert score["f1"] >= 0.95, report
    assert score["sources"] >= 0.95, report
    assert score["split"] == 0 and score["forbidden"] == 0, report


def test_devset_raw_never_invents_dates(devset_dir: Path, tmp_path: Path) -> None:
    score, report = _build_and_score(devset_dir / "raw", devset_dir / "gold-raw.json", tmp_path)
    assert score["precision"] >= 0.9, report
    assert score["recall"] == 1.0, report
    events = json.loads((tmp_path / "site" / "output" / "events.json").read_text())["events"]
    assert all(e["date"] is None or e["date"]["end"] <= "2026-02-28" for e in events)
