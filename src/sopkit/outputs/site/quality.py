"""The site's pages for quality staff: register, change pages, superseded revisions.

* ``dokumentregister.md``: every document with its revision, dates, people and
  review state (overdue and due-soon reviews marked in words);
* ``endringer/<ID>.md``: a procedure's revision history and, for each approved
  revision (and a draft), what changed from the one before, word by word;
* ``arkiv/<ID>-<REV>.md``: the full text of each superseded revision, marked
  Utgått; ``arkiv/revisjoner.md`` lists them.

Change pages and archived texts are left out of search (front matter
``search: exclude: true``), so search never offers an old text as current.
Earlier texts come from git history (:mod:`sopkit.quality.history`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sopkit.outputs.files import page_links
from sopkit.outputs.site.nav import NavEntry, NavPage
from sopkit.outputs.templates import render
from sopkit.outputs.ticket.text import fill
from sopkit.outputs.urls import (
    ARCHIVE_PAGE,
    CHANGES_PAGE,
    DRAFT_PAGE,
    PROCEDURE_PAGE,
    QUALITY_CSS,
    REGISTER_PAGE,
    REVISION_PAGE,
    REVISIONS_PAGE,
    href,
)
from sopkit.quality.diff import ProcedureDiff, compare
from sopkit.quality.history import Entry, History, Version
from sopkit.quality.register import rows
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.project import Project


@dataclass(frozen=True)
class Comparison:
    """One block of a change page: what changed from ``old`` to ``new``."""

    heading: str
    old: Version
    new: Version
    diff: ProcedureDiff


def nav_items() -> list[NavEntry]:
    """Navigation entries for ``pages.navigation(library, extra=...)``."""
    return [NavPage(REGISTER_PAGE, "Dokumentregister")]


def site_files(library: Library, project: Project,
               history: History | None = None) -> dict[str, str]:
    """Docs-relative path -> Markdown for the register, change pages and archived revisions.

    Raises :class:`~sopkit.source.errors.SopkitError` when the text of an approved
    revision cannot be found (e.g. a shallow clone): a change page must not guess.
    """
    history = history or History(library)
    templates = project.templates
    files: dict[str, str] = {}
    superseded: list[tuple[Procedure, list[Entry]]] = []
    for proc in library.procedures:
        entries = history.entries(proc.id)
        for entry in entries:
            if entry.version is None and _published(proc, entry):
                history.version(proc.id, entry.revision.revision)  # raises with the reason
        archived = [e for e in entries if _archived(proc, e)]
        for entry in archived:
            assert entry.version is not None
            page = REVISION_PAGE.format(id=proc.id, revision=entry.revision.revision)
            files[page] = render(
                templates, "site/revision.md.j2",
                proc=entry.version.proc, rev=entry.revision, current=proc,
                files=page_links(page, entry.version.proc),
                ticket=(fill(entry.version.proc, library, project)
                        if entry.version.proc.ticket else None),
                replaced_by=_next_approved(proc, entry),
                procedure_href=href(page, PROCEDURE_PAGE.format(id=proc.id)),
                changes_href=href(page, CHANGES_PAGE.format(id=proc.id)),
                css_href=href(page, QUALITY_CSS),
            )
        if archived:
            superseded.append((proc, archived))
        if not proc.revised:  # a first revision: its one line of history is on its page
            continue
        page = CHANGES_PAGE.format(id=proc.id)
        files[page] = render(
            templates, "site/changes.md.j2",
            proc=proc, entries=list(reversed(entries)),
            comparisons=_comparisons(library, history, proc, entries),
            links={e.revision.revision: _text_link(page, proc, e) for e in entries},
            procedure_href=href(page, PROCEDURE_PAGE.format(id=proc.id)),
            register_href=href(page, REGISTER_PAGE),
            css_href=href(page, QUALITY_CSS),
        )
    files[REVISIONS_PAGE] = render(
        templates, "site/revisions.md.j2",
        superseded=[(proc, [(e, href(REVISIONS_PAGE, REVISION_PAGE.format(
            id=proc.id, revision=e.revision.revision))) for e in reversed(archived)])
            for proc, archived in superseded],
        archive_href=href(REVISIONS_PAGE, ARCHIVE_PAGE),
    )
    files[REGISTER_PAGE] = render(
        templates, "site/register.md.j2",
        rows=rows(library), warning_days=library.handbook.review_warning_days,
        today=library.today,
        procedure_href={p.id: href(REGISTER_PAGE, PROCEDURE_PAGE.format(id=p.id))
                        for p in library.procedures},
        changes_href={p.id: href(REGISTER_PAGE, CHANGES_PAGE.format(id=p.id))
                      for p in library.procedures if p.revised},
        # a draft of an approved document has a page of its own (see history.in_force)
        draft_href={p.id: href(REGISTER_PAGE, (DRAFT_PAGE if p.last_approved else
                                               PROCEDURE_PAGE).format(id=p.id))
                    for p in library.procedures if p.status == "draft"},
        revisions_href=href(REGISTER_PAGE, REVISIONS_PAGE),
        css_href=href(REGISTER_PAGE, QUALITY_CSS),
    )
    return files


def _published(proc: Procedure, entry: Entry) -> bool:
    """Whether the site publishes this revision's text (so it must be found).

    Every approved text with a fingerprint is, except the last one of an obsolete
    document: dokumenter/<ID> shows that document's file as it is.
    """
    last = proc.last_approved
    return bool(entry.approved and entry.revision.fingerprint) and not (
        proc.status == "obsolete" and last is not None
        and entry.revision.revision == last.revision)


def archived_texts(library: Library, history: History) -> dict[str, Procedure]:
    """Docs page -> the superseded revision's text it shows (for the site's verifier)."""
    out: dict[str, Procedure] = {}
    for proc in library.procedures:
        for entry in history.entries(proc.id):
            if _archived(proc, entry):
                assert entry.version is not None
                page = REVISION_PAGE.format(id=proc.id, revision=entry.revision.revision)
                out[page] = entry.version.proc
    return out


def _archived(proc: Procedure, entry: Entry) -> bool:
    """Superseded approved texts get an archive page; the last approved text of an
    obsolete document is its own page (dokumenter/<ID>), already marked Utgått."""
    if not entry.superseded or entry.version is None:
        return False
    last = proc.last_approved
    return not (proc.status == "obsolete" and last is not None
                and entry.revision.revision == last.revision)


def _next_approved(proc: Procedure, entry: Entry) -> str:
    later = [r.revision for r in proc.revisions if r.approved
             and r.revision != entry.revision.revision
             and proc.revisions.index(r) > proc.revisions.index(entry.revision)]
    return later[0] if later else ""


def _text_link(page: str, proc: Procedure, entry: Entry) -> str:
    if _archived(proc, entry):
        return href(page, REVISION_PAGE.format(id=proc.id, revision=entry.revision.revision))
    if entry.version is not None and entry.revision == proc.current:
        return href(page, PROCEDURE_PAGE.format(id=proc.id))
    return ""


def _comparisons(library: Library, history: History, proc: Procedure,
                 entries: list[Entry]) -> list[Comparison]:
    """Newest first: the draft (or unapproved working copy) against the last approved
    revision, then each approved revision against the one before it."""
    apps = {key: app.name for key, app in library.applications.items()}
    versions = [e.version for e in entries if e.approved and e.version is not None]
    out: list[Comparison] = []
    if versions and not history.working_is_approved(proc.id) and proc.status != "obsolete":
        working = history.working(proc.id)
        last = versions[-1]
        out.append(Comparison(
            f"Utkast {working.revision.revision} sammenlignet med revisjon {last.label}",
            last, working, compare(last.proc, working.proc, last.label, "utkast", apps)))
    for old, new in reversed(list(itertools.pairwise(versions))):
        out.append(Comparison(
            f"Revisjon {new.label} sammenlignet med {old.label}",
            old, new, compare(old.proc, new.proc, old.label, new.label, apps)))
    return out
