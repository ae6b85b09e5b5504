"""The ``sopkit`` command line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import SopkitError
from .history import History, Version
from .library import Library, read_library, today
from .model import Procedure
from .project import Project
from .render import norwegian_date
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
    for warning in report.warnings:
        click.echo(warning, err=True)
    where = output or project.site
    click.echo(f"Built {where}: {_count(report.procedures, 'procedure')}, "
               f"{_count(report.pages, 'page')}, {_count(report.cards, 'card')} "
               f"in {report.total:.1f} s.")


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
    if not sys.stderr.isatty():
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


# ---------------------------------------------------------------- for quality staff

WORKING = "working"


def _pick_versions(history: History, doc_id: str, old: str | None,
                   new: str | None) -> tuple[Version, Version] | None:
    """The two texts ``sopkit diff`` compares; None when there is only one."""
    proc = history.library.get(doc_id)
    approved = [r.revision for r in proc.revisions if r.approved]

    def get(label: str) -> Version:
        return history.working(doc_id) if label == WORKING else history.version(doc_id, label)

    if new is None:
        new = approved[-1] if history.working_is_approved(doc_id) else WORKING
    if old is None:
        if new == WORKING:
            earlier = approved
        else:
            newest = next(i for i, r in enumerate(proc.revisions) if r.revision == new)
            earlier = [r.revision for r in proc.revisions[:newest] if r.approved]
        if not earlier:
            return None
        old = earlier[-1]
    return get(old), get(new)


@cli.command("diff")
@click.argument("doc_id")
@click.option("--from", "old", metavar="REV",
              help="Revision to compare from (default: the one before --to).")
@click.option("--to", "new", metavar="REV",
              help="Revision to compare to, or 'working' for the working copy (default: the "
                   "working copy when it has unapproved changes, else the last approved "
                   "revision).")
@click.option("--color/--no-color", default=None,
              help="Colour the changes (default: when standard output is a terminal).")
@pass_project
def diff_command(project: Project, doc_id: str, old: str | None, new: str | None,
                 color: bool | None) -> None:
    """Show what changed in DOC_ID between two revisions, step by step.

    Steps are matched by their stable id: added, removed, reworded (words marked
    [-removed-] and {+added+}) and moved; then changed section text and metadata.
    With no options: the working copy against the last approved revision, so a
    reviewer sees exactly what they are about to approve; or, when the working
    copy is approved, the last revision against the one before. Earlier texts
    come from git history.
    """
    from .diff import compare, format_text

    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    history = History(library)
    pair = _pick_versions(history, doc_id, old, new)
    if pair is None:
        proc = library.get(doc_id)
        if new is None and len(proc.revisions) == 1:
            click.echo(f"{doc_id} has only revision {proc.current.revision}; "
                       "there is nothing earlier to compare.")
        else:
            click.echo(f"{doc_id} has no approved revision before "
                       f"{new or proc.current.revision} to compare with.")
        return
    a, b = pair
    apps = {key: app.name for key, app in library.applications.items()}
    result = compare(a.proc, b.proc, a.name, b.name, apps)
    if color is None:
        color = sys.stdout.isatty()
    click.echo(format_text(result, color=color), nl=False, color=color)


@cli.command("history")
@click.argument("doc_id")
@click.option("--show", "show", metavar="REV",
              help="Print the YAML text of revision REV as it was approved ('working' for the "
                   "working copy).")
@pass_project
def history_command(project: Project, doc_id: str, show: str | None) -> None:
    """List the revisions of DOC_ID and where each approved text comes from.

    Earlier texts are found in git history by the fingerprint recorded at
    approval. In a shallow clone run 'git fetch --unshallow' first.
    """
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    history = History(library)
    if show:
        version = history.working(doc_id) if show == WORKING else history.version(doc_id, show)
        click.echo(version.source_text, nl=False)
        return
    proc = library.get(doc_id)
    click.echo(f"{proc.id} {proc.title} (status: {proc.status})")
    for entry in reversed(history.entries(doc_id)):
        rev = entry.revision
        state = ("superseded" if entry.superseded else "in force" if entry.approved
                 else "draft")
        click.echo(f"\n{rev.revision}  {state}")
        click.echo(f"  Dato endret:    {norwegian_date(rev.changed)}")
        if rev.approved:
            click.echo(f"  Godkjent dato:  {norwegian_date(rev.approved)}  "
                       f"by {rev.approved_by}")
            click.echo(f"  Gyldig til:     {norwegian_date(rev.valid_until)}")
        click.echo(f"  Endringer:      {rev.changes or '(none given)'}")
        if entry.version is not None:
            click.echo(f"  Text:           {entry.version.source}")
        else:
            click.echo(f"  Text:           not available: {entry.reason.splitlines()[0]}")


@cli.command("register")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format. CSV and JSON write dates as YYYY-MM-DD.")
@pass_project
def register_command(project: Project, fmt: str) -> None:
    """List every document: ID, title, revision, status, Godkjent dato, Gyldig til,
    Fagansvarlig, Godkjent av and whether its review is due.

    In the table, reviews that are overdue or due within review_warning_days
    (procedure/handbook.yml) start with '!!'.
    """
    from . import register

    library = read_library(project.procedures)
    rows = register.rows(library)
    output = {"table": register.as_table, "csv": register.as_csv, "json": register.as_json}
    click.echo(output[fmt](rows), nl=False)


@cli.command("review-due")
@click.option("--within", type=click.IntRange(min=0), metavar="DAYS",
              help="Days ahead to look (default: review_warning_days in procedure/handbook.yml).")
@pass_project
def review_due(project: Project, within: int | None) -> None:
    """List documents whose review date (Gyldig til) is past or within DAYS.

    Exit status: 0 when no review is overdue (documents due soon are listed),
    1 when at least one review is overdue, so a scheduled job can alert.
    """
    from . import register

    library = read_library(project.procedures)
    days = library.handbook.review_warning_days if within is None else within
    rows = register.due(library, days)
    if not rows:
        click.echo(f"No reviews due within {days} days.")
        return
    for row in rows:
        state = "OVERDUE" if row.review == "overdue" else "due"
        when = (f"{-row.days_left} days ago" if row.review == "overdue"
                else f"in {row.days_left} days")
        click.echo(f"{state:<8} {row.id}  {row.title}")
        click.echo(f"         revision {row.revision}, Gyldig til "
                   f"{norwegian_date(row.valid_until)} ({when}); Fagansvarlig: {row.responsible}")
    overdue = sum(1 for r in rows if r.review == "overdue")
    click.echo(f"{overdue} overdue, {len(rows) - overdue} due within {days} days.")
    if overdue:
        raise SystemExit(1)


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
    from .archival import FILE_NAME, PDF_VARIANT, archival_pdf

    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    history = History(library)
    proc = library.get(doc_id)
    if revision is None:
        if proc.last_approved is None:
            raise SopkitError(f"{doc_id} has no approved revision yet; an archival PDF "
                              f"records an approved text (run 'sopkit approve {doc_id}')")
        revision = proc.last_approved.revision
    version = history.version(doc_id, revision)
    data = archival_pdf(version, library, project)
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
