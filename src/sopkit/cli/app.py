"""The ``sopkit`` command group, and how sopkit's errors reach the terminal.

Commands live in the modules beside this one, one per group of users' work;
they only read options, call the stages and print. A :class:`SopkitError`
raised anywhere becomes its message on standard error and exit status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sopkit import __version__
from sopkit.source.errors import SopkitError
from sopkit.source.project import Project


class _Failed(click.ClickException):
    """A sopkit error on its way out: printed as it is, without 'Error:'."""

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class SopkitGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SopkitError as exc:
            raise _Failed(exc.message) from None


@click.group(cls=SopkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sopkit")
@click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=".", show_default=True,
    help="Project folder holding procedure/, templates/ and mkdocs.yml.",
)
@click.pass_context
def cli(ctx: click.Context, project_dir: Path) -> None:
    """Controlled quality procedures as code.

    Reads the procedures in procedure/ and turns them into the handbook site,
    tickets and wall cards.
    """
    ctx.obj = Project(project_dir)


pass_project = click.make_pass_decorator(Project)


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
