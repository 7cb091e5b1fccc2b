"""Event ids survive a title edit and a new source joining the event."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from timeline.build import build, make_cache
from timeline.config import load_config

FIRST = """---
title: "Strike at the port"
source: "Example Herald"
published: 2025-03-05
---
The port of Lindqvist was closed on 3 March 2025 when dock workers began a strike.

The harbour master, Ilse Brandt, resigned on 4 March 2025.
"""
EARLIER = """---
title: "Port workers walk out"
source: "Example Gazette"
published: 2025-03-04
---
Dock workers at the port of Lindqvist walked out on Monday over pay, closing the port.
"""


def _ids(site: Path) -> dict[str, tuple[str, list[str]]]:
    config = load_config(site)
    build(config, cache=make_cache(config))
    events = json.loads((config.output_dir / "events.json").read_text())["events"]
    return {e["id"]: (e["date"]["start"], sorted(s["document"] for s in e["sources"]))
            for e in events}


def test_ids_stable_across_title_edit_and_new_source(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/herald.md": FIRST})
    before = _ids(site)
    strike = next(i for i, (day, _) in before.items() if day == "2025-03-03")

    herald = site / "content" / "herald.md"
    herald.write_text(FIRST.replace("Strike at the port", "Port shut by strike"))
    assert _ids(site) == before

    # An earlier-published source joins the strike event: the id stays.
    (site / "content" / "gazette.md").write_text(EARLIER)
    after = _ids(site)
    assert after[strike] == ("2025-03-03", ["gazette", "herald"])
    assert set(before) <= set(after)


def test_ids_without_history_come_from_the_earliest_source(
        make_site: Callable[..., Path]) -> None:
    one = make_site({"content/herald.md": FIRST, "content/gazette.md": EARLIER}, name="a")
    two = make_site({"content/gazette.md": EARLIER, "content/herald.md": FIRST}, name="b")
    assert _ids(one) == _ids(two)
