"""The ``sopkit`` command line: a thin layer over the stages.

:mod:`sopkit.cli.app` holds the command group; each module beside it adds the
commands of one kind of work. Nothing imports this package but the entry point.
"""

from __future__ import annotations

from sopkit.cli import lifecycle, outputs, quality, site
from sopkit.cli.app import cli


def main() -> None:
    cli(prog_name="sopkit")


__all__ = ["cli", "lifecycle", "main", "outputs", "quality", "site"]
