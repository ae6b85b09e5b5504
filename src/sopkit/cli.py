"""The ``sopkit`` command line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import SopkitError
from .library import Library, read_library, today
from .model import Procedure
from .project import Project
from .revisions import approve as record_approval
from .revisions import fingerprint, start_draft
from .schema import stale_schemas, write_schemas
from .ticket import BUILTINS, Part, as_text, fill, option_name, resolve
from .ticket import spec as ticket_spec


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
@click.option("--strict", is_flag=True, help="Treat warnings (such as overdue reviews) as errors.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site to (default: site/ in the project).")
@pass_project
def build(project: Project, strict: bool, output: Path | None) -> None:
    """Build the handbook site with pages, tickets and cards.

    The new site replaces the old one only when the whole build succeeded.
    Progress is shown when standard error is a terminal.
    """
    from .build import build_site

    progress = _progress_printer()
    report = build_site(project, strict=strict, target=output, progress=progress)
    where = output or project.site
    click.echo(f"Built {where}: {_count(report.procedures, 'procedure')}, "
               f"{_count(report.pages, 'page')} in {report.total:.1f} s.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@pass_project
def serve(project: Project, host: str, port: int) -> None:
    """Preview the site on localhost; rebuilds when procedure/ or templates/ change."""
    from .serve import serve as serve_site

    serve_site(project, host, port)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _progress_printer() -> Callable[[str], None]:
    if not click.get_text_stream("stderr").isatty():
        return lambda _: None
    return lambda message: click.echo(f"  {message}", err=True)


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("doc_id")
@click.option("--part", type=click.Choice(["all", "subject", "description", "phone"]),
              default="all", show_default=True, help="Print only this part of the ticket.")
@click.option("--fields", "list_fields", is_flag=True,
              help="List DOC_ID's field options and exit.")
@click.pass_context
def ticket(ctx: click.Context, doc_id: str, part: Part, list_fields: bool) -> None:
    """Print the case to register for DOC_ID (e.g. in Min Sykehuspartner).

    The field options come from the procedure's ticket definition (list them
    with --fields). For D29653:

    \b
      sopkit ticket D29653 --application unilab --error TEXT
        --department TEXT --users TEXT --competence servergruppe
        --contact-name TEXT --contact-mobile "912 34 567"
        [--pcs TEXT] [--servers TEXT] [--case-number N]

    Without field options, or with only the application, it prints the
    template: what is not given shows as a «placeholder». With any other
    field option every required field must be given. The site's composer
    fills the same template, so both give the same text.
    """
    project = ctx.find_object(Project)
    assert project is not None
    library = read_library(project.procedures)
    proc = library.get(doc_id)
    if proc.status == "obsolete":
        raise SopkitError(f"{doc_id} is obsolete (Utgått); report by the current procedure")
    spec = ticket_spec(proc)
    if list_fields:
        click.echo(_field_table(proc, library))
        return
    values = resolve(proc, library, _field_options(ctx, proc, ctx.args))
    partial = all(f.kind == "application" for f in spec.fields if f.key in values)
    filled = fill(proc, library, project, values, partial=partial)
    if proc.status == "draft":
        click.echo(f"warning: {doc_id} revision {proc.current.revision} is a draft, "
                   "not approved", err=True)
    click.echo(as_text(filled, project, part), nl=False)


def _field_options(ctx: click.Context, proc: Procedure, args: list[str]) -> dict[str, str]:
    """``["--error", "x", "--pcs=y"]`` -> ``{"error": "x", "pcs": "y"}``, by the ticket's fields."""
    keys = [f.key for f in ticket_spec(proc).fields] + list(BUILTINS)
    options = {option_name(key): key for key in keys}
    known = ", ".join(options)
    values: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, has_value, value = arg.partition("=")
        if name not in options:
            what = "no such option" if arg.startswith("-") else "unexpected argument"
            raise click.UsageError(f"{what}: {name} (the options of {proc.id}'s ticket are: "
                                   f"{known})", ctx)
        if not has_value:
            if not rest:
                raise click.UsageError(f"option {name} needs a value", ctx)
            value = rest.pop(0)
        if options[name] in values:
            raise click.UsageError(f"option {name} is given twice", ctx)
        values[options[name]] = value
    return values


def _field_table(proc: Procedure, library: Library) -> str:
    spec = ticket_spec(proc)
    rows = []
    for field in spec.fields:
        notes = ["required" if field.required else "optional"]
        if field.multiline:
            notes.append("several lines")
        if field.kind == "mobile":
            notes.append("Norwegian mobile number")
        line = f"  {option_name(field.key):18} {field.label} ({', '.join(notes)})"
        if field.kind == "application":
            line += "\n" + " " * 21 + "one of: " + ", ".join(
                f"{key} ({library.applications[key].name})" for key in proc.applications)
        elif field.choices:
            line += "\n" + " " * 21 + "one of: " + "; ".join(field.choices)
        rows.append(line)
    for name, text in BUILTINS.items():
        rows.append(f"  {option_name(name):18} {text} (optional, for the phone script)")
    return f"Field options of {proc.id}'s ticket ({spec.system}):\n" + "\n".join(rows)


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


def main() -> None:
    cli(prog_name="sopkit")


__all__ = ["cli", "main", "today"]
