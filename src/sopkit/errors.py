"""Problems found in the input, collected so that one run reports all of them.

Every problem names a file, a line, a column and the dotted key path, with a
hint on how to fix it. :class:`SopkitError` is a ``click.ClickException``, so
the command line prints the message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import click

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

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

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
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class SopkitError(click.ClickException):
    """An error the user can act on; printed without a traceback."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def show(self, file: object = None) -> None:
        click.echo(self.format_message(), err=True)


class InvalidInput(SopkitError):
    """The input has problems; the message lists all of them."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        count = len(problems.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{problems.report()}\n\n{count} {noun} found.")
