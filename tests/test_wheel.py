"""The packaging pitfall, tested: build the real wheel, install it into a fresh virtual
environment, and build a site in a folder outside the repository with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, REPO,
                cwd=out)
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("timeline_ssg-*.whl")
    return found


def test_wheel_holds_the_package_and_the_theme_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"timeline"}, tops  # no content/, output/, tests/ or a top-level themes/
    for needed in ("timeline/cli.py", "timeline/themes/default/base.html",
                   "timeline/themes/default/index.html",
                   "timeline/themes/default/static/style.css"):
        assert needed in names, needed


def test_installed_wheel_builds_a_site_outside_the_repository(
        wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    done = _run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    where = _run(bin_dir / "python", "-c", "import timeline; print(timeline.__file__)",
                 cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout

    site = tmp_path / "my-story"
    assert _run(bin_dir / "timeline", "new", site, cwd=tmp_path).returncode == 0
    built = _run(bin_dir / "timeline", "build", cwd=site)
    assert built.returncode == 0, built.stderr
    index = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert "static/style.css" in index
    assert (site / "output" / "static" / "style.css").is_file()
    events = json.loads((site / "output" / "events.json").read_text(encoding="utf-8"))
    assert events["version"] == 1 and events["events"], "the sample article gave no event"
    version = _run(bin_dir / "timeline", "--version", cwd=tmp_path)
    assert version.stdout.startswith("timeline ")

    # The event-page helper (python -m timeline.offload) from the installed package, on
    # the sample's pages, and with no folder put before the standard library.
    helped = _run(bin_dir / "python", "-c", HELPED, site, site / "helped", cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.split() == ["no-path", "helpers", str(len(events["events"]))]
    assert (site / "helped" / "events.json").read_bytes() == \
        (site / "output" / "events.json").read_bytes()


HELPED = """
import sys
from pathlib import Path
from timeline import offload
from timeline.build import build, make_cache
from timeline.config import load_config

print("no-path" if "PYTHONPATH" not in offload._environment() else "path")
offload.MIN_PAGES = 1
given = []
start = offload.EventPageHelper.start

def counted(self, out_dir, staging):
    given.append(len(self.paths))
    start(self, out_dir, staging)

offload.EventPageHelper.start = counted
config = load_config(Path(sys.argv[1]), output_dir=sys.argv[2])
build(config, cache=make_cache(config, use_disk=False), jobs=2)
print("helpers", *given)
"""
