"""Commands for quality staff: history, diff, register, review-due."""

from __future__ import annotations

import sys

import click

from sopkit.cli.app import cli, pass_project
from sopkit.quality.history import WORKING, History, in_force, versions_to_compare
from sopkit.source.errors import SopkitError
from sopkit.source.library import read_library
from sopkit.source.project import Project
from sopkit.source.text import norwegian_date


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
    from sopkit.quality.diff import compare, format_text

    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    history = History(library)
    pair = versions_to_compare(history, doc_id, old, new)
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
    approval, with the figure and attachment files they were approved with
    (listed with their SHA-256). In a shallow clone run 'git fetch --unshallow'
    first.
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
            for name, stored in entry.version.proc.files.items():
                click.echo(f"  File:           {name}  sha256:{stored.sha256}  "
                           f"{stored.size:,} bytes")
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
    from sopkit.quality import register

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
    from sopkit.quality import register

    library = read_library(project.procedures)
    days = library.handbook.review_warning_days if within is None else within
    rows = register.due(library, days)
    if not rows:
        click.echo(f"No reviews due within {days} days.")
        return
    for row, days_left in rows:
        state = "OVERDUE" if row.review == "overdue" else "due"
        when = f"{-days_left} days ago" if row.review == "overdue" else f"in {days_left} days"
        click.echo(f"{state:<8} {row.id}  {row.title}")
        click.echo(f"         revision {row.revision}, Gyldig til "
                   f"{norwegian_date(row.valid_until)} ({when}); Fagansvarlig: {row.responsible}")
    overdue = sum(1 for row, _ in rows if row.review == "overdue")
    click.echo(f"{overdue} overdue, {len(rows) - overdue} due within {days} days.")
    if overdue:
        raise SystemExit(1)


@cli.command("verify")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@pass_project
def verify_command(project: Project, fmt: str) -> None:
    """Prove that the published site shows what every procedure mandates.

    Reads each artefact as staff get it: the procedure, draft and archived pages
    in site/ (through an HTML parser, hidden text left out), each wall card's
    PDF in every size and the archival PDF of each revision in force (their
    text read back from the PDF), the ticket on the page, in the composer and
    on the command line. Lists what was checked and found, with each
    artefact's SHA-256.
    Exits 1 when anything is missing.
    """
    from sopkit.outputs.evidence import dumps
    from sopkit.proof import verify_outputs

    library = read_library(project.procedures)
    history = History(library)
    published, drafts = in_force(library, history)
    if not project.site.is_dir():
        raise SopkitError(f"{project.site} does not exist\n    hint: run ./scripts/build first")
    reports = verify_outputs(library, published, drafts, history, project, project.site)
    if fmt == "json":
        click.echo(dumps(reports), nl=False)
    else:
        for report in reports:
            found = sum(check.found for check in report.checks)
            click.echo(f"{report.doc_id:<8} {report.artefact:<28} {found:>3} of "
                       f"{len(report.checks):<3} found  {report.sha256}  {report.path}")
            for item in report.missing:
                click.echo(f"{'':<8} missing {item.label()}")
        missing = sum(not r.ok for r in reports)
        click.echo(f"{len(reports)} artefacts of {len({r.doc_id for r in reports})} documents "
                   f"checked on {norwegian_date(library.today)}: "
                   + ("everything found." if not missing else f"{missing} lack something."))
    if any(not r.ok for r in reports):
        raise SystemExit(1)
