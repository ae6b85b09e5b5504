"""Problems found in the input, collected so that one run reports all of them.

Every problem names a file, a line, a column and the dotted key path, with a
hint on how to fix it. :class:`SopkitError` is what every stage raises for a
problem the user can act on; the command line prints its message instead of a
traceback (the core knows nothing of the command line).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str
    line: int
    column: int
    key: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        key = f" {self.key}:" if self.key else ""
        label = "warning: " if self.severity == "warning" else ""
        text = f"{where}:{key} {label}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Problems:
    """A collector: add problems while reading, then decide once."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: Path | str,
        line: int,
        column: int,
        key: str,
        message: str,
        hint: str = "",
        severity: Severity = "error",
    ) -> None:
        self.items.append(
            Problem(display_path(path), line, column, key, message, hint, severity)
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def report(self) -> str:
        return "\n".join(p.format() for p in self.sorted())


def display_path(path: Path | str) -> str:
    """A path relative to the working directory when possible, for messages."""
    p = Path(path)
    try:  # the path as given, not where a link leads (it may lead nowhere, or in a loop)
        return str(p.absolute().relative_to(_resolved(os.getcwd())))
    except (ValueError, OSError):
        return str(p)


@lru_cache(maxsize=4)
def _resolved(cwd: str) -> Path:
    """The working directory with links resolved (asked once per file read: 1000 files)."""
    return Path(cwd).resolve()


class SopkitError(Exception):
    """An error the user can act on; printed without a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TemplateProblem(SopkitError):
    """A mistake in a template (``templates/``), not in a procedure's content."""


class InvalidInput(SopkitError):
    """The input has problems; the message lists all of them."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        count = len(problems.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{problems.report()}\n\n{count} {noun} found.")


@dataclass(frozen=True)
class Finding:
    """A rule of an output that a procedure's content breaks, at a key path of its YAML."""

    doc_id: str
    keys: tuple[str | int, ...]
    message: str
    hint: str = ""

    def format(self) -> str:
        return f"{self.doc_id}: {self.message}" + (f"\n    hint: {self.hint}" if self.hint else "")


class ContentError(SopkitError):
    """An output cannot be made from a procedure's content; the findings say where.

    The command line locates each finding in the YAML (``file:line:col``) with
    :meth:`sopkit.source.library.Library.locate`.
    """

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Finding]]]:
        return ContentError, (self.findings,)  # from a card worker process
