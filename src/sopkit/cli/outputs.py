"""Commands that print one output: ticket, pdf (archival), card."""

from __future__ import annotations

from pathlib import Path

import click

from sopkit.cli.app import cli, pass_project
from sopkit.outputs.ticket.text import Part, as_text, fill, option_name, resolve
from sopkit.outputs.ticket.text import spec as ticket_spec
from sopkit.quality.history import History
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library, read_library
from sopkit.source.model import Procedure
from sopkit.source.patterns import BUILTINS
from sopkit.source.project import Project


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


@cli.command("pdf")
@click.argument("doc_id")
@click.option("--revision", metavar="REV",
              help="Approved revision to archive (default: the last approved one).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF file to write (default: <ID>-<REV>.pdf in the current folder).")
@pass_project
def pdf_command(project: Project, doc_id: str, revision: str | None,
                output: Path | None) -> None:
    """Write the archival PDF (A4, PDF/A-2u) of an approved revision of DOC_ID.

    Laid out like the controlled document: title, page x of y, the metadata
    block, every section and the signature table. Earlier revisions' texts come
    from git history.
    """
    from sopkit.outputs.archival.document import FILE_NAME, PDF_VARIANT, archival_pdf

    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    history = History(library)
    proc = library.get(doc_id)
    if revision is None:
        if proc.last_approved is None:
            raise SopkitError(f"{doc_id} has no approved revision yet; an archival PDF "
                              f"records an approved text (run 'sopkit approve {doc_id}')")
        revision = proc.last_approved.revision
    version = history.version(doc_id, revision)
    data = archival_pdf(version, library, project)  # checked: it holds the whole text
    target = output or Path(FILE_NAME.format(id=doc_id, revision=revision))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    click.echo(f"wrote {target} ({doc_id} revision {revision}, {PDF_VARIANT.upper()}, "
               f"{len(data) // 1024} KiB)")


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
    from sopkit.outputs.card.cache import render_card  # WeasyPrint is slow to import: only here

    size = size.upper()
    library = read_library(project.procedures)
    for warning in library.warnings.sorted():
        click.echo(warning.format(), err=True)
    pdf = render_card(library.get(doc_id), library, project, size)
    target = output or Path(f"{doc_id}-{size}.pdf")
    target.write_bytes(pdf)
    click.echo(f"wrote {target}")
