"""Commands that record a document's revisions: approve, draft, fingerprint."""

from __future__ import annotations

import click

from sopkit.cli.app import cli, pass_project
from sopkit.quality.approval import approve as record_approval
from sopkit.quality.approval import approver, restored_on_error, start_draft
from sopkit.source.fingerprint import fingerprint
from sopkit.source.library import read_library
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
    Dokumentplassering, and must not be its author.
    """
    library = read_library(project.procedures, skip_fingerprint_of=doc_id)
    proc = library.get(doc_id)
    person = approver(library.people, by, proc)
    with restored_on_error(library.sources[doc_id], project.procedures):
        number = record_approval(
            library.sources[doc_id], proc, fingerprint(proc), by=person, today=library.today,
            interval_months=library.review_interval(proc), revision=revision, note=note,
        )
    click.echo(f"{doc_id}: revision {number} approved by {person.full_name}.")


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
