"""``timeline new``: a working site with one sample article."""

from __future__ import annotations

from pathlib import Path

from timeline.errors import ContentError, problem

CONFIG = '''# timeline.toml: every key is optional; these are the defaults except the title.
title = "My timeline"
description = ""
# site_url = "https://example.org/my-timeline/"
content_dir = "content"
output_dir = "output"
theme = "default"
drafts = false

[dates]
languages = ["en"]
date_order = "DMY"
'''

ARTICLE = '''---
title: "Harbour reopens after storm repairs"
source: "Example Gazette"
url: "https://example.org/harbour-reopens"
published: 2025-03-14
tags: [harbour, storm]
---
The city harbour reopened on Thursday after three weeks of repairs, the port authority said.

The storm that closed it struck on 20 February 2025, flooding the quays.

Repairs to the outer breakwater will continue until the summer.
'''


def make_site(folder: Path) -> None:
    """Write timeline.toml, a sample article and a .gitignore into a new folder."""
    if folder.exists() and any(folder.iterdir()):
        raise ContentError([problem(folder, None, "folder exists and is not empty",
                                    "choose a new folder name")])
    try:
        (folder / "content").mkdir(parents=True, exist_ok=True)
        (folder / "timeline.toml").write_text(CONFIG, encoding="utf-8")
        (folder / "content" / "harbour-reopens.md").write_text(ARTICLE, encoding="utf-8")
        (folder / ".gitignore").write_text("/output/\n.timeline-cache/\n", encoding="utf-8")
    except OSError as exc:  # a folder we may not write in, a file in the way
        raise ContentError([problem(folder, None, f"cannot make the site: "
                                    f"{exc.strerror or exc}",
                                    "choose a folder you can write in")]) from exc
