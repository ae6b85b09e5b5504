"""Commands that check the input and build the handbook: check, build, serve, schema."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from sopkit.cli.app import cli, pass_project, plural
from sopkit.source.errors import InvalidInput, SopkitError
from sopkit.source.library import read_library
from sopkit.source.project import Project
from sopkit.source.schema import stale_schemas, write_schemas


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings (such as overdue reviews) as errors.")
@pass_project
def check(project: Project, strict: bool) -> None:
    """Check every file in procedure/ and report all problems.

    Runs every rule the outputs apply too: each document's page, ticket and
    wall card (rendered for real, in every size) must be made from its text.
    Exits 0 when there are no errors (warnings are printed), 1 otherwise.
    """
    from sopkit.gate import output_problems  # WeasyPrint is slow to import: only here

    library = read_library(project.procedures, strict=strict)
    problems = output_problems(library, project)
    if problems.errors:
        problems.items += library.warnings.items
        raise InvalidInput(problems)
    for warning in library.warnings.sorted():
        click.echo(warning.format(), err=True)
    stale = stale_schemas(project.schema_dir)
    if stale:
        raise SopkitError(
            "schema files are out of date: " + ", ".join(str(p) for p in stale)
            + "\n    hint: run 'sopkit schema' and commit the result"
        )
    count = len(library.procedures)
    warned = len(library.warnings.items)
    click.echo(f"{count} procedure{'s' if count != 1 else ''} checked: no errors"
               + (f", {warned} warning{'s' if warned != 1 else ''}" if warned else "") + ".")


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings (such as overdue reviews) as errors.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site to (default: site/ in the project).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="The most processes that build together (MkDocs, wall cards, PDFs); "
                   "1: everything in this process.")
@pass_project
def build(project: Project, strict: bool, output: Path | None, jobs: int) -> None:
    """Build the handbook site with pages, tickets and cards.

    The new site replaces the old one only when the whole build succeeded.
    Pages whose inputs did not change since the last build come from the page
    cache (build/cache/pages); wall cards and archival PDFs from theirs; what
    reading found in unchanged procedure files from build/cache/read.json; a
    procedure or folder page's Markdown, when its template input is unchanged,
    from the last build (build/cache/markdown.json); a page rendered again is
    not converted from Markdown and indexed for search again when those are
    unchanged (build/cache/converted); the proof does not read a page again
    when nothing it reads changed (build/cache/page-checks.json); a cached page,
    card or archival PDF whose file is as the last build found it (its stamp:
    device, inode, size, time of last change) is not read again
    (build/cache/placed.json for cards and PDFs). Removing build/cache only
    makes the next build slower. Progress is shown when
    standard error is a terminal.
    """
    from sopkit.pipeline import build_site

    progress = _progress_printer()
    report = build_site(project, strict=strict, target=output, progress=progress, jobs=jobs)
    for warning in report.warnings:
        click.echo(warning, err=True)
    where = output or project.site
    click.echo(f"Built {where}: {plural(report.procedures, 'procedure')}, "
               f"{plural(report.pages, 'page')} ({sum(report.shares)} rendered), "
               f"{plural(report.cards, 'card')} ({report.cards_rendered} rendered) "
               f"in {report.total:.1f} s.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@pass_project
def serve(project: Project, host: str, port: int) -> None:
    """Preview the site on localhost; rebuilds when procedure/ or templates/ change."""
    from sopkit.preview import serve as serve_site

    serve_site(project, host, port, say=lambda line: click.echo(line, err=True))


def _progress_printer() -> Callable[[str], None]:
    if not sys.stderr.isatty():
        return lambda _: None
    return lambda message: click.echo(f"  {message}", err=True)


@cli.command()
@pass_project
def schema(project: Project) -> None:
    """Write the JSON Schema files in procedure/schema/ for editors."""
    written = write_schemas(project.schema_dir)
    for path in written:
        click.echo(f"wrote {path}")
    if not written:
        click.echo("schema files are up to date.")
