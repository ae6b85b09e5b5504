"""The ``sopkit`` command group, and how sopkit's errors reach the terminal.

Commands live in the modules beside this one, one per group of users' work;
they only read options, call the stages and print. A :class:`SopkitError`
raised anywhere becomes its message on standard error and exit status 1. So
does any other failure, without a traceback: an operating-system error
(permissions, a full disk, a read-only or busy folder, a file that went away)
with what to do about it, and anything else as an internal error to report
(``SOPKIT_DEBUG=1`` shows its traceback).
"""

from __future__ import annotations

import errno
import os
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
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:
            if os.environ.get("SOPKIT_DEBUG") or exc.errno == errno.EPIPE:
                raise  # a closed pipe (| head) is not an error to report
            raise _Failed(os_error_message(exc)) from None
        except Exception as exc:  # the last net: a message, never a traceback
            if os.environ.get("SOPKIT_DEBUG"):
                raise
            raise _Failed(f"internal error: {type(exc).__name__}: {exc}\n    hint: this is a "
                          "bug in sopkit; run again with SOPKIT_DEBUG=1 to see where, and "
                          "report it with the input that caused it") from None


_OS_HINTS = {
    errno.EACCES: "check that you may read and write it (permissions, an immutable file)",
    errno.EPERM: "check that you may change it (permissions, an immutable or append-only "
                 "file)",
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "your disk quota is used up: free some space and run again",
    errno.EROFS: "the folder is on a read-only file system: build into another one with -o",
    errno.EBUSY: "the folder is in use or a mount point: build into another one with -o",
    errno.ENOENT: "a file or folder went away while sopkit ran (was it deleted or moved?): "
                  "run again",
    errno.ENOTEMPTY: "a folder sopkit had to remove was not empty: remove it by hand and run "
                     "again",
    errno.EISDIR: "a folder is where sopkit expected a file",
    errno.ENOTDIR: "a file is where sopkit expected a folder",
}


def os_error_message(exc: OSError) -> str:
    """An operating-system error as a message with a hint, naming the file."""
    where = exc.filename if exc.filename is not None else ""
    reason = exc.strerror or str(exc)
    hint = _OS_HINTS.get(exc.errno or 0, "check the file and the folder it is in, then run "
                         "again")
    return f"{where}: {reason}\n    hint: {hint}" if where else f"{reason}\n    hint: {hint}"


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
