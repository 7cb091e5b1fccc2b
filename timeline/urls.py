"""Where each page lives in output/, and its URL: relative inside the site, absolute under
``site_url`` where a format needs one (sitemap, feed, canonical links)."""

from __future__ import annotations

import re
from urllib.parse import quote

from timeline.model import Event


def event_path(event: Event) -> str:
    """Output path of an event's page: a file, not a folder with an index.html, because a
    site has one per event (29,000 at 4,000 articles) and a folder apiece made a cold build
    spend about a second more making them. Pages opened from disk name the file anyway,
    and GitHub Pages, Netlify and Cloudflare Pages serve ``events/<id>`` from it."""
    return f"events/{event.id}.html"


def source_path(doc_id: str) -> str:
    """Output path of a source document's page (a file, as event_path's)."""
    return f"sources/{doc_id}.html"


KEY_EVENTS_PATH = "key/index.html"
"""Output path of the key-events page."""


def year_path(anchor: str) -> str:
    """Output path of the page of one year of a split index (``anchor``: "y2025", or
    "undated")."""
    return f"years/{anchor.removeprefix('y')}/index.html"


def section_path(year_anchor: str, label: str) -> str:
    """Output path of the page of one month (or other section) of a split year:
    ``years/2019/march-2019/index.html``."""
    year = year_anchor.removeprefix("y")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "other"
    return f"years/{year}/{'whole-year' if slug == year else slug}/index.html"


def numbered_path(path: str, number: int) -> str:
    """Output path of page ``number`` of a part of the timeline too long for one page
    (Hugo's rule): the first page is ``path`` itself, the others
    ``years/2019/whole-year/page/2/index.html``."""
    if number == 1:
        return path
    return f"{path.removesuffix('index.html')}page/{number}/index.html"


def link(path: str) -> str:
    """A path as a public URL: percent-encoded (``#``, ``?`` and ``%`` in file names too),
    and folder-style for index.html pages. Fragments are appended by the callers."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return file_link(path)


def file_link(path: str) -> str:
    """A path as a relative link between pages: percent-encoded, and naming index.html,
    as a browser opening the site from disk (``file://``) needs (a folder would show its
    listing there). The site's own pages link this way; absolute URLs use link()."""
    if _PLAIN.fullmatch(path):  # nothing to encode (most paths): skip quote()'s work
        return path
    return quote(path, safe="/")


_PLAIN = re.compile(r"[A-Za-z0-9_.~/-]*")
"""Characters quote(..., safe="/") leaves as they are."""


def absolute(site_url: str, path: str) -> str:
    """The public URL of an output path; ``site_url`` ends with ``/`` (config ensures it)."""
    return site_url + link(path)
