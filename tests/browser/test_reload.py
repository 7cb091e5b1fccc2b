"""`timeline serve` in a real browser: an added article appears without a manual reload; a
broken front matter shows the overlay; fixing it removes the overlay."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from timeline.config import load_config
from timeline.serve import Debouncer, DevServer, make_handler

FIRST = "---\ntitle: Harbour\npublished: 2024-03-05\n---\nThe harbour reopened on Monday.\n"
SECOND = ("---\ntitle: Ferry\npublished: 2024-03-09\n---\n"
          "The ferry line to the islands resumed on Friday.\n")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "harbour.md").write_text(FIRST, encoding="utf-8")
    dev = DevServer(load_config(site), report=lambda message: None)
    dev.rebuild()
    observer = dev.watch(Debouncer(dev.rebuild, delay=0.05))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(dev.state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", site
    finally:
        httpd.shutdown()
        httpd.server_close()
        observer.stop()
        observer.join(timeout=2)


def test_page_follows_the_files(page: Any, served: tuple[str, Path]) -> None:
    url, site = served
    page.goto(url)
    assert "The harbour reopened" in page.content()

    (site / "content" / "ferry.md").write_text(SECOND, encoding="utf-8")
    page.get_by_text("The ferry line to the islands resumed").first.wait_for(timeout=10_000)

    (site / "content" / "ferry.md").write_text("---\ntitle: [broken\n---\nText.\n",
                                               encoding="utf-8")
    overlay = page.locator("#timeline-build-errors")
    overlay.wait_for(state="visible", timeout=10_000)
    assert "content/ferry.md:" in overlay.inner_text()
    assert "The harbour reopened" in page.content()  # the last good site stays under it

    (site / "content" / "ferry.md").write_text(SECOND.replace("Friday", "Saturday"),
                                               encoding="utf-8")
    overlay.wait_for(state="detached", timeout=10_000)
    assert "The ferry line to the islands resumed" in page.content()
    assert page.console_errors == []
