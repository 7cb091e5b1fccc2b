"""Headless Chromium (Debian's package) driven by Playwright, shared by the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A Playwright Browser on Debian's chromium, or skip when either is missing."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("chromium is not installed (.ci/run installs it with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; console errors and failed requests are collected on it."""
    context = browser.new_context()
    new_page = context.new_page()
    new_page.console_errors = []
    new_page.failed_requests = []
    new_page.on("console", lambda msg: msg.type == "error" and new_page.console_errors.append(
        msg.text))
    new_page.on("pageerror", lambda exc: new_page.console_errors.append(str(exc)))
    new_page.on("requestfailed", lambda req: new_page.failed_requests.append(req.url))
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and other test artefacts (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
