"""A link checker over built output: every href and src, and every #anchor, resolves to a file
(and an id) inside output/. Links under site_url count as internal.

Also a script: ``python tests/test_links.py OUTPUT [SITE_URL]`` prints the broken links.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from timeline.build import build, make_cache
from timeline.config import load_config

REPO = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.org/sub/"
BASE = "http://output.invalid/deploy/sub/"
"""A stand-in address of output/ (under a subpath, so that a link climbing out of the site
is seen) for resolving relative links the way a browser does."""


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_links(out: Path, site_url: str = "") -> tuple[int, list[str]]:
    """(links checked, broken links as 'page: link (why)') for a built site."""
    pages = {p.relative_to(out).as_posix(): _parse(p) for p in sorted(out.rglob("*.html"))}
    checked, broken = 0, []
    for rel, page in pages.items():
        here = BASE + rel
        for raw in page.links:
            url = urljoin(here, raw)
            if site_url and url.startswith(site_url):
                url = BASE + url[len(site_url):]
            parts = urlsplit(url)
            if not url.startswith(BASE):
                if parts.netloc == urlsplit(BASE).netloc:
                    broken.append(f"{rel}: {raw} (climbs out of the site)")
                    continue
                if parts.scheme in ("http", "https", "mailto", "tel"):
                    continue  # the original articles and other sites: not ours to check
                broken.append(f"{rel}: {raw} (scheme {parts.scheme!r} outside the site)")
                continue
            checked += 1
            target = unquote(parts.path[len(urlsplit(BASE).path):])
            if target == "" or target.endswith("/"):
                target += "index.html"
            pure = PurePosixPath(target)
            if ".." in pure.parts or not (out / pure).is_file():
                broken.append(f"{rel}: {raw} (no file {target})")
                continue
            if parts.fragment:
                ids = pages[pure.as_posix()].ids if pure.as_posix() in pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{rel}: {raw} (no id {parts.fragment!r} in {target})")
    return checked, broken


def _built(site: Path, tmp_path: Path, site_url: str) -> Path:
    config = load_config(site, output_dir=str(tmp_path / "out"), site_url=site_url)
    build(config, cache=make_cache(config, use_disk=False))
    return config.output_dir


@pytest.mark.parametrize("site_url", ["", SITE_URL])
def test_golden_site_links_resolve(tmp_path: Path, site_url: str) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "sites" / "minimal", site,
                    ignore=shutil.ignore_patterns("expected", "output"))
    out = _built(site, tmp_path, site_url)
    checked, broken = check_links(out, site_url)
    assert broken == []
    assert checked > 50  # pages, sources, anchors and assets were all seen


def test_example_site_links_resolve(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "timeline.toml", site / "timeline.toml")
    out = _built(site, tmp_path, SITE_URL)
    checked, broken = check_links(out, SITE_URL)
    assert broken == []
    assert checked > 200


def test_split_example_site_links_resolve(tmp_path: Path) -> None:
    """The index split by year (index_limit): year pages, their lists of years, and every
    event page's way back to its year."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "timeline.toml", site / "timeline.toml")
    config = load_config(site, output_dir=str(tmp_path / "out"), site_url=SITE_URL,
                         index_limit=5)
    build(config, cache=make_cache(config, use_disk=False))
    checked, broken = check_links(config.output_dir, SITE_URL)
    assert broken == []
    assert (config.output_dir / "years").is_dir() and checked > 200


def test_devset_links_resolve(devset_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(devset_dir / "content", site / "content")
    out = _built(site, tmp_path, SITE_URL)
    checked, broken = check_links(out, SITE_URL)
    assert broken == [], f"{len(broken)} of {checked} links broken: {broken[:10]}"


def test_the_checker_finds_broken_links(make_site: Callable[..., Path]) -> None:
    out = make_site({
        "index.html": '<a href="a/">ok</a> <a href="a/#x">ok</a> <a href="a/#nope">bad</a>'
                      ' <img src="missing.png"> <a href="../outside.html">out</a>'
                      ' <a href="https://example.org/sub/a/">abs ok</a>'
                      ' <a href="https://example.org/sub/gone/">abs bad</a>'
                      ' <a href="javascript:alert(1)">js</a> <a href="https://else.org/">ext</a>',
        "a/index.html": '<p id="x">x</p>'})
    checked, broken = check_links(out, SITE_URL)
    assert checked == 6
    assert [b.split(" (")[0] for b in broken] == [
        "index.html: a/#nope", "index.html: missing.png", "index.html: ../outside.html",
        "index.html: https://example.org/sub/gone/", "index.html: javascript:alert(1)"]


if __name__ == "__main__":
    total, bad = check_links(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")
    print("\n".join(bad))
    print(f"{total} internal links checked, {len(bad)} broken")
