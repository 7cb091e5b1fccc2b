"""Problems found in the input, and the exceptions that carry them to the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: PurePath | None
    """The file at fault, relative to the site folder when possible."""
    line: int | None
    """1-based line in that file, when known."""
    message: str
    """What is wrong, in one sentence."""
    severity: Severity = "error"
    """``error`` fails the build; ``warning`` fails it only with ``--strict``."""
    hint: str | None = None
    """How to fix it, when we can tell."""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path.as_posix()
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        text = f"{where}{self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def sort_key(self) -> tuple[str, int, str]:
        """Order problems by file, then line, then text."""
        path = self.path.as_posix() if self.path is not None else ""
        return (path, self.line or 0, self.message)


class TimelineError(Exception):
    """Base class: something the user can fix; the CLI prints its problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[TimelineError], tuple[tuple[Problem, ...]]]:
        # Pickled by its problems (a page rendered in a worker process raises it there).
        return (type(self), (self.problems,))


class ConfigError(TimelineError):
    """``timeline.toml`` or a command-line override is invalid."""


class ContentError(TimelineError):
    """A document cannot be read at all."""


class ThemeError(TimelineError):
    """A template is missing or fails to render."""


class OutputError(TimelineError):
    """The output folder is unsafe or cannot be written."""


class BuildFailed(TimelineError):
    """The build found errors (or warnings under ``--strict``); nothing was written."""


def problem(path: PurePath | None, line: int | None, message: str, hint: str | None = None,
            severity: Severity = "error") -> Problem:
    """Shorthand constructor used by the stages."""
    return Problem(path=path, line=line, message=message, severity=severity, hint=hint)


def warning(path: PurePath | None, line: int | None, message: str,
            hint: str | None = None) -> Problem:
    """Shorthand for a warning."""
    return Problem(path=path, line=line, message=message, severity="warning", hint=hint)
