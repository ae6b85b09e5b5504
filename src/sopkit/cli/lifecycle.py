"""Commands that record a document's revisions: approve, draft, fingerprint."""

from __future__ import annotations

import click

from sopkit.cli.app import cli, pass_project
from sopkit.quality.approval import (
    approval,
    approver,
    as_approved,
    restored_on_error,
    start_draft,
)
from sopkit.quality.approval import approve as record_approval
from sopkit.quality.new import new_procedure
from sopkit.source.errors import InvalidInput, display_path
from sopkit.source.fingerprint import fingerprint
from sopkit.source.library import read_library, today
from sopkit.source.project import Project


@cli.command()
@click.argument("doc_id")
@click.option("--by", "by", required=True,
              help="The approver: a name in procedure/people.yml (title optional).")
@click.option("--revision", help="Revision number to record, e.g. 7.00 (default: next major).")
@click.option("--note", help="What changed (Endringer fra forrige versjon).")
@pass_project
def approve(project: Project, doc_id: str, by: str, revision: str | None,
            note: str | None) -> None:
    """Record an approved revision of DOC_ID.

    Sets Godkjent dato to today, Gyldig til by the review interval, records the
    approver and the content fingerprint. The approver must be in the people
    register (procedure/people.yml) with the right to approve the document's
    Dokumentplassering, and must not be its author. The text must pass every
    rule of the outputs first (as 'sopkit check' runs them): nothing is
    recorded otherwise.
    """
    from sopkit.gate import output_problems  # WeasyPrint is slow to import: only here

    library = read_library(project.procedures, approving=doc_id)
    proc = library.get(doc_id)
    person = approver(library.people, by, proc)
    rev = approval(proc, by=person, today=library.today,
                   interval_months=library.review_interval(proc), revision=revision, note=note,
                   content=fingerprint(proc))
    problems = output_problems(library, project, [as_approved(proc, rev)], approving=True)
    if problems.errors:
        raise InvalidInput(problems)
    with restored_on_error(library.sources[doc_id], project.procedures):
        record_approval(library.sources[doc_id], proc, rev)
    click.echo(f"{doc_id}: revision {rev.revision} approved by {person.full_name}.")


@cli.command()
@click.argument("doc_id")
@click.option("--revision", help="Revision number of the draft, e.g. 7.00 (default: next major).")
@click.option("--note", help="What will change (Endringer fra forrige versjon).")
@pass_project
def draft(project: Project, doc_id: str, revision: str | None, note: str | None) -> None:
    """Start a new draft revision of DOC_ID (status utkast) to edit and then approve."""
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    proc = library.get(doc_id)
    with restored_on_error(library.sources[doc_id], project.procedures):
        number = start_draft(library.sources[doc_id], proc, library.today, revision, note)
    click.echo(f"{doc_id}: draft revision {number} started; edit it, then run "
               f"'sopkit approve {doc_id} --by NAME'.")


@cli.command("fingerprint")
@click.argument("doc_id")
@pass_project
def fingerprint_command(project: Project, doc_id: str) -> None:
    """Print DOC_ID's content fingerprint (for importing an already approved document)."""
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    click.echo(fingerprint(library.get(doc_id)))


@cli.command("new")
@click.argument("doc_id")
@click.option("--title", required=True, help="The document's title (Tittel).")
@click.option("--location", required=True, metavar="CODE",
              help="Dokumentplassering code, e.g. 'II.MSK.FEL.LAB FEL.LAB DATA.2-2'.")
@click.option("--path", "folders", metavar="FOLDER/FOLDER/...",
              help="The folder path in the handbook tree, folders separated by '/'.")
@click.option("--prepared-by", default="", metavar="NAME",
              help="Utarbeidet av: the author (title and name).")
@pass_project
def new(project: Project, doc_id: str, title: str, location: str, folders: str | None,
        prepared_by: str) -> None:
    """Start a new document DOC_ID as a draft, revision 1.00.

    Writes procedure/documents/DOC_ID-<short-title>.yml with every required
    field; what is still to be written reads «FYLL UT: ...», and 'sopkit check'
    lists each with its line until it is filled in.
    """
    path = new_procedure(
        project.procedures, doc_id, title=title, location=location,
        path=[f.strip() for f in (folders or "").split("/") if f.strip()],
        prepared_by=prepared_by, today=today())
    click.echo(f"wrote {display_path(path)} ({doc_id}, draft, revision 1.00). Next:\n"
               f"  1. fill in every «FYLL UT: ...» ('sopkit check' lists them with their lines)\n"
               f"  2. sopkit check\n"
               f"  3. sopkit approve {doc_id} --by NAME   (a person in procedure/people.yml "
               "with the right to approve, not the author)\n"
               f"  4. commit the file; ./scripts/build publishes it")
