"""The built example page opens from file:// in Chromium with no errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from timeline.build import build, make_cache
from timeline.config import load_config

SITE = Path(__file__).resolve().parents[1] / "sites" / "minimal"


def test_page_opens_from_file_url(page: Any, tmp_path: Path) -> None:
    config = load_config(SITE, output_dir=str(tmp_path / "out"))
    build(config, cache=make_cache(config, use_disk=False))
    page.goto((tmp_path / "out" / "index.html").as_uri())
    assert page.locator("li.event").count() >= 3
    assert page.locator("#controls").is_visible()
    assert page.console_errors == []
    assert page.failed_requests == []
