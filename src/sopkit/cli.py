"""The ``sopkit`` command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import SopkitError
from .library import read_library, today
from .project import Project
from .revisions import approve as record_approval
from .revisions import fingerprint, start_draft
from .schema import stale_schemas, write_schemas


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings (such as overdue reviews) as errors.")
@pass_project
def check(project: Project, strict: bool) -> None:
    """Check every file in procedure/ and report all problems.

    Exits 0 when there are no errors (warnings are printed), 1 otherwise.
    """
    library = read_library(project.procedures, strict=strict)
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


@contextmanager
def _restored_on_error(path: Path, project: Project) -> Iterator[None]:
    """Edit a procedure file; put the old bytes back unless the result checks cleanly."""
    before = path.read_bytes()
    try:
        yield
        read_library(project.procedures)
    except BaseException:
        path.write_bytes(before)
        raise


@cli.command()
@click.argument("doc_id")
@click.option("--by", "by", required=True, help="Name (and title) of the approver.")
@click.option("--revision", help="Revision number to record, e.g. 7.00 (default: next major).")
@click.option("--note", help="What changed (Endringer fra forrige versjon).")
@pass_project
def approve(project: Project, doc_id: str, by: str, revision: str | None,
            note: str | None) -> None:
    """Record an approved revision of DOC_ID.

    Sets Godkjent dato to today, Gyldig til by the review interval, records the
    approver and the content fingerprint. Refuses when the approver wrote the
    document.
    """
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    proc = library.get(doc_id)
    with _restored_on_error(library.sources[doc_id], project):
        number = record_approval(
            library.sources[doc_id], proc, fingerprint(proc), by=by, today=library.today,
            interval_months=library.review_interval(proc), revision=revision, note=note,
        )
    click.echo(f"{doc_id}: revision {number} approved by {by}.")


@cli.command()
@click.argument("doc_id")
@click.option("--revision", help="Revision number of the draft, e.g. 7.00 (default: next major).")
@click.option("--note", help="What will change (Endringer fra forrige versjon).")
@pass_project
def draft(project: Project, doc_id: str, revision: str | None, note: str | None) -> None:
    """Start a new draft revision of DOC_ID (status utkast) to edit and then approve."""
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    proc = library.get(doc_id)
    with _restored_on_error(library.sources[doc_id], project):
        number = start_draft(library.sources[doc_id], proc, library.today, revision, note)
    click.echo(f"{doc_id}: draft revision {number} started; edit it, then run "
               f"'sopkit approve {doc_id} --by NAME'.")


@cli.command()
@pass_project
def schema(project: Project) -> None:
    """Write the JSON Schema files in procedure/schema/ for editors."""
    written = write_schemas(project.schema_dir)
    for path in written:
        click.echo(f"wrote {path}")
    if not written:
        click.echo("schema files are up to date.")


@cli.command("fingerprint")
@click.argument("doc_id")
@pass_project
def fingerprint_command(project: Project, doc_id: str) -> None:
    """Print DOC_ID's content fingerprint (for importing an already approved document)."""
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    click.echo(fingerprint(library.get(doc_id)))


@cli.command()
@click.argument("doc_id")
@click.option("--size", type=click.Choice(["A4", "A5"], case_sensitive=False), default="A4",
              show_default=True, help="Paper size (portrait).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF file to write [default: DOC_ID-SIZE.pdf in the current folder].")
@pass_project
def card(project: Project, doc_id: str, size: str, output: Path | None) -> None:
    """Render DOC_ID's wall card as a one-page PDF.

    The card shows the steps in their card wording, the ticket's subject and
    first sentence, the key contact and, in the footer, the document-control
    facts and a QR code to the procedure's page with the card's revision
    (the address comes from site_url in mkdocs.yml). './scripts/build' makes
    every card; this command makes one, e.g. to print it now.
    """
    from .cards import render_card  # WeasyPrint is slow to import: only here

    size = size.upper()
    library = read_library(project.procedures)
    for warning in library.warnings.sorted():
        click.echo(warning.format(), err=True)
    pdf = render_card(library.get(doc_id), library, project, size)
    target = output or Path(f"{doc_id}-{size}.pdf")
    target.write_bytes(pdf)
    click.echo(f"wrote {target}")


def main() -> None:
    cli(prog_name="sopkit")


__all__ = ["cli", "main", "today"]
