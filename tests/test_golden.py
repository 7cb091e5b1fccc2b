"""Golden sites: build each tests/sites/<case> and compare the output tree byte for byte.

Regenerate after an intended change with: pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from timeline.build import build, make_cache
from timeline.config import load_config

SITES = Path(__file__).parent / "sites"
CASES = sorted(p.name for p in SITES.iterdir() if (p / "content").is_dir())


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES)
def test_golden_site(case: str, tmp_path: Path, update_golden: bool) -> None:
    source = SITES / case
    site = tmp_path / case
    shutil.copytree(source, site, ignore=shutil.ignore_patterns("expected", "output",
                                                                 ".timeline-cache"))
    config = load_config(site)
    build(config, cache=make_cache(config, use_disk=False))
    got = _tree(config.output_dir)
    expected_dir = source / "expected"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(config.output_dir, expected_dir)
        return
    assert expected_dir.is_dir(), f"no golden output for {case}: run pytest --update-golden"
    expected = _tree(expected_dir)
    assert sorted(got) == sorted(expected), "the set of output files differs"
    for name in sorted(got):
        if got[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(),
                got[name].decode("utf-8", "replace").splitlines(),
                f"expected/{name}", f"built/{name}", lineterm="", n=2)
            pytest.fail(f"{case}/{name} differs:\n" + "\n".join(list(diff)[:60]))
