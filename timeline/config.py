"""Find, parse and validate ``timeline.toml`` and command-line overrides into a Config."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timeline.errors import ConfigError, Problem, problem

CONFIG_NAME = "timeline.toml"
DATE_ORDERS = ("DMY", "MDY", "YMD")


@dataclass(frozen=True, slots=True)
class DateConfig:
    """How time expressions are read (the ``[dates]`` table)."""

    languages: tuple[str, ...] = ("en",)
    """Languages handed to dateparser, in order of preference."""
    date_order: str = "DMY"
    """How to read all-numeric dates such as 03/04/2025: DMY, MDY or YMD."""


@dataclass(frozen=True, slots=True)
class Config:
    """A site's validated settings; every path is absolute."""

    site_dir: Path
    """The site folder (holds ``timeline.toml``, ``content/`` and ``themes/``)."""
    config_file: Path | None = None
    """The ``timeline.toml`` read, if there was one."""
    title: str = "Timeline"
    """Site title, shown in the header and the browser tab."""
    description: str = ""
    """One line under the title."""
    site_url: str = ""
    """Public address of the site (for sitemap, feed and canonical links); optional."""
    content_dir: Path = Path("content")
    """Where the articles are (relative paths are relative to the site folder)."""
    output_dir: Path = Path("output")
    """Where the site is written."""
    theme: str = "default"
    """Theme name: a folder under the site's ``themes/`` or a built-in theme."""
    theme_options: Mapping[str, Any] = field(default_factory=dict)
    """Free-form options passed to the templates as ``theme_options``."""
    drafts: bool = False
    """Publish documents whose front matter says ``draft: true``."""
    allow_html: bool = False
    """Let raw HTML in Markdown through to source pages (off: it is shown as text)."""
    key_event_sources: int = 2
    """Events cited by at least this many documents are listed as key events."""
    index_limit: int = 1000
    """A timeline with more events than this puts each year on a page of its own
    (``years/<year>/``) and lists the years on the index; a year with more puts each of its
    months on a page (``years/<year>/<month>/``) and lists them; 0 keeps one page."""
    feed_limit: int = 100
    """How many events feed.xml holds, the newest (Pelican's FEED_MAX_ITEMS); 0: all."""
    dates: DateConfig = field(default_factory=DateConfig)
    """The ``[dates]`` table."""

    @property
    def cache_dir(self) -> Path:
        """The extraction cache: ``.timeline-cache/`` in the site folder."""
        return self.site_dir / ".timeline-cache"

    @property
    def site_themes_dir(self) -> Path:
        """The site's own theme overrides."""
        return self.site_dir / "themes"


# key -> (python type(s), description) for the top level and [dates].
_TOP: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "a string"),
    "description": (str, "a string"),
    "site_url": (str, "a URL string"),
    "content_dir": (str, "a folder path"),
    "output_dir": (str, "a folder path"),
    "theme": (str, "a theme name"),
    "theme_options": (dict, "a table"),
    "drafts": (bool, "true or false"),
    "allow_html": (bool, "true or false"),
    "key_event_sources": (int, "a whole number"),
    "index_limit": (int, "a whole number"),
    "feed_limit": (int, "a whole number"),
    "dates": (dict, "a table"),
}
_DATES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "languages": (list, "a list of language codes"),
    "date_order": (str, "one of DMY, MDY, YMD"),
}


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*\"?{re.escape(key)}\"?\s*=", text, re.MULTILINE)
    if match is None:
        match = re.search(rf"^\s*\[{re.escape(key)}\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _check_table(data: Mapping[str, Any], schema: Mapping[str, tuple[Any, str]], where: str,
                 path: Path | None, text: str, problems: list[Problem]) -> dict[str, Any]:
    good: dict[str, Any] = {}
    for key, value in data.items():
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f"did you mean '{close[0]}'?" if close else (
                "known keys: " + ", ".join(sorted(schema)))
            problems.append(problem(path, _line_of(text, key),
                                    f"unknown key '{where}{key}'", hint))
            continue
        kind, words = schema[key]
        if (isinstance(value, bool) and kind is int) or not isinstance(value, kind):
            problems.append(problem(path, _line_of(text, key),
                                    f"'{where}{key}' must be {words}, not {value!r}"))
            continue
        good[key] = value
    return good


def _resolve(site_dir: Path, value: str | Path) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else site_dir / path).resolve()


def _unsafe_output(output: Path, site_dir: Path, content: Path) -> str | None:
    """Why ``output`` must not be written to, or None when it is safe."""
    home = Path.home().resolve()
    if output == Path(output.anchor):
        return "is the root of the file system"
    if output == home:
        return "is your home folder"
    for name, folder in (("the site folder", site_dir), ("the content folder", content)):
        if output == folder:
            return f"is {name}"
        if output in folder.parents:
            return f"contains {name}"
    if output in content.parents or content in output.parents or output in home.parents:
        return "overlaps the content folder"
    return None


def load_config(site_dir: Path | None = None, config_file: Path | None = None,
                **overrides: Any) -> Config:
    """Read ``timeline.toml`` (optional) and overrides; raise ConfigError listing every problem."""
    site = (site_dir or Path.cwd()).resolve()
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    text = ""
    path = config_file or site / CONFIG_NAME
    shown = Path(CONFIG_NAME) if config_file is None else path
    if not site.is_dir():
        raise ConfigError([problem(site, None, "site folder does not exist",
                                   "run 'timeline new DIR' to make one")])
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            raise ConfigError([problem(shown, None, f"not UTF-8 text ({exc.reason})")]) from exc
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            raise ConfigError([problem(shown, int(found.group(1)) if found else None,
                                       f"invalid TOML: {exc}")]) from exc
    elif config_file is not None:
        raise ConfigError([problem(shown, None, "config file not found")])
    top = _check_table(data, _TOP, "", shown, text, problems)
    dates = _check_table(top.pop("dates", {}), _DATES, "dates.", shown, text, problems)
    top.update({k: v for k, v in overrides.items() if v is not None})

    languages = tuple(dates.get("languages", ("en",)))
    if not languages or not all(isinstance(x, str) and x for x in languages):
        problems.append(problem(shown, _line_of(text, "languages"),
                                "'dates.languages' must be a non-empty list of codes like 'en'"))
    order = str(dates.get("date_order", "DMY")).upper()
    if order not in DATE_ORDERS:
        problems.append(problem(shown, _line_of(text, "date_order"),
                                f"'dates.date_order' must be one of {', '.join(DATE_ORDERS)}"))
    if top.get("key_event_sources", 2) < 1:
        problems.append(problem(shown, _line_of(text, "key_event_sources"),
                                "'key_event_sources' must be at least 1"))
    if top.get("index_limit", 0) < 0:
        problems.append(problem(shown, _line_of(text, "index_limit"),
                                "'index_limit' must be 0 (never split the index) or more"))
    if top.get("feed_limit", 0) < 0:
        problems.append(problem(shown, _line_of(text, "feed_limit"),
                                "'feed_limit' must be 0 (every event) or more"))
    site_url = str(top.get("site_url", ""))
    if site_url and not re.match(r"^https?://[^/\s]+", site_url):
        problems.append(problem(shown, _line_of(text, "site_url"),
                                "'site_url' must start with http:// or https://, "
                                f"not {site_url!r}"))
    content = _resolve(site, top.get("content_dir", "content"))
    output = _resolve(site, top.get("output_dir", "output"))
    why = _unsafe_output(output, site, content)
    if why:
        problems.append(problem(shown, _line_of(text, "output_dir"),
                                f"refusing to use output folder {output}: it {why}",
                                "choose a folder of its own, such as 'output'"))
    if problems:
        raise ConfigError(problems)
    return Config(
        site_dir=site, config_file=path if path.is_file() else None,
        title=top.get("title", "Timeline"), description=top.get("description", ""),
        site_url=site_url.rstrip("/") + "/" if site_url else "",
        content_dir=content, output_dir=output, theme=top.get("theme", "default"),
        theme_options=dict(top.get("theme_options", {})), drafts=top.get("drafts", False),
        allow_html=top.get("allow_html", False),
        key_event_sources=top.get("key_event_sources", 2),
        index_limit=top.get("index_limit", 1000),
        feed_limit=top.get("feed_limit", 100),
        dates=DateConfig(languages=languages, date_order=order),
    )
