"""Shared fixtures: temporary sites, the shared devset, golden-file updates, Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/sites/*/expected from the current build")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a site folder from {relative path: text} and return it."""

    def make(files: dict[str, str | bytes], name: str = "site") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return make


@pytest.fixture
def keys_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item for each time the site's keys are made (timeline.render.site_keys) from
    here on: what tests of the lazy digests count."""
    from timeline import render

    made: list[int] = []
    real = render.site_keys

    def counted(*args: object, **kwargs: object) -> object:
        made.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "site_keys", counted)
    return made


@pytest.fixture
def devset_dir() -> Path:
    """../shared/devset, or skip when this clone has no ../shared."""
    path = SHARED / "devset"
    if not (path / "content").is_dir():
        pytest.skip("../shared/devset is not here (only developers have it)")
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's chromium, or skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    return found


def read_fixture_file(path: Path) -> list[tuple[int, str, str, str]]:
    """markdown-it style spec file: title / . / input / . / expected / . blocks."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[tuple[int, str, str, str]] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("#") or not lines[i].strip():
            i += 1
            continue
        title, start = lines[i], i + 1
        assert lines[i + 1] == ".", f"{path.name}:{i + 2}: expected '.'"
        j = i + 2
        while lines[j] != ".":
            j += 1
        k = j + 1
        while lines[k] != ".":
            k += 1
        cases.append((start, title, "\n".join(lines[i + 2:j]), "\n".join(lines[j + 1:k])))
        i = k + 1
    return cases
