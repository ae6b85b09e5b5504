"""The gate: every rule the outputs apply to a procedure's content, run before
anything is recorded or published.

``sopkit check`` runs it on every document in ``procedure/`` (drafts too, so a
problem shows before approval), ``sopkit approve`` on the text being approved,
and refuses before recording anything; a document that passed ``approve``
never fails ``build`` for its own content. What it checks, per procedure:

* the ticket: its patterns parse and fill (``templates/ticket/``);
* the procedure page: the rendered page holds every step and mandated phrase;
* the wall card: every mandated phrase is on it, and it fits on one page at the
  smallest allowed text in every size (rendered for real with WeasyPrint, into
  the card cache, so the build after a check renders nothing new);
* for ``approve`` (``approving``), the archival PDF the text will get; ``approve``
  passes the text as it will read once approved (status, revision, dates).

Each finding is located in the YAML (``file:line:col: key``) with a hint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from sopkit.outputs import card
from sopkit.outputs.archival.document import trial_pdf
from sopkit.outputs.archival.verify import HINT, verify_archival
from sopkit.outputs.evidence import check
from sopkit.outputs.files import page_shows, site_path
from sopkit.outputs.htmltext import Shown, page_view
from sopkit.outputs.site.pages import page_files
from sopkit.outputs.ticket.composer import ticket_block_html
from sopkit.outputs.ticket.text import as_text, fill
from sopkit.outputs.urls import PROCEDURE_PAGE
from sopkit.source.errors import ContentError, Finding, Problems, SopkitError, TemplateProblem
from sopkit.source.expected import Item, page_items
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.project import Project


def output_problems(library: Library, project: Project,
                    procs: Sequence[Procedure] | None = None, *,
                    approving: bool = False) -> Problems:
    """The gate's findings for ``procs`` (default: every document but obsolete ones),
    located in their files; ``approving``: ``procs`` are about to be approved."""
    return library.locate(output_findings(library, project, procs, approving=approving))


def output_findings(library: Library, project: Project,
                    procs: Sequence[Procedure] | None = None, *,
                    approving: bool = False) -> list[Finding]:
    chosen = list(library.current() if procs is None else procs)
    findings: list[Finding] = []
    tickets: dict[str, str] = {}
    for proc in chosen:
        if proc.ticket is None:
            continue
        try:
            tickets[proc.id] = ticket_block_html(proc, library, project)
            as_text(fill(proc, library, project), project)  # what 'sopkit ticket' prints
        except TemplateProblem:
            raise
        except SopkitError as exc:
            findings.append(Finding(proc.id, ("ticket",), f"the ticket cannot be made: {exc}",
                                    "see the ticket's patterns and templates/ticket/"))
    shown = replace(library, procedures=tuple(
        {**{p.id: p for p in library.procedures}, **{p.id: p for p in chosen}}.values()))
    pages = page_files(shown, project, ticket_blocks=tickets)
    for proc in chosen:
        if proc.ticket is not None and proc.id not in tickets:
            continue  # its page lacks the ticket, already reported
        path = PROCEDURE_PAGE.format(id=proc.id)
        page = pages[path]
        text, on_page = page_view(page)
        report = check(proc.id, "page", path, b"", text, page_items(proc),
                       shows=_shows(proc, path, on_page))
        findings += [Finding(proc.id, (), f"the procedure page lacks {item.label()}",
                             "a template in templates/site/ drops it")
                     for item in report.missing]
    try:
        card.render(replace(library, procedures=tuple(chosen)), project, prune=False)
    except ContentError as exc:
        findings += exc.findings
    for proc in chosen if approving else []:
        try:
            pdf = trial_pdf(proc, proc.current, library, project)
        except TemplateProblem:
            raise
        except SopkitError as exc:
            findings.append(Finding(proc.id, (), f"the archival PDF cannot be made: {exc}",
                                    "see templates/pdf/ and the characters in the text"))
            continue
        report = verify_archival(proc, pdf, "archival PDF")  # as the build will check it
        findings += [Finding(proc.id, (), f"the archival PDF lacks {item.label()}", HINT)
                     for item in report.missing]
    return findings


def _shows(proc: Procedure, page: str, shown: list[Shown]) -> Callable[[Item], bool]:
    """Whether the page (as Markdown, before MkDocs) shows a figure or links an
    attachment, with its text, at the file's address in the site."""
    return page_shows(proc, page, shown,
                      lambda address, stored: address == site_path(proc.id, stored))
