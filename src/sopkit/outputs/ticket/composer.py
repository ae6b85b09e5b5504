"""The ticket on the handbook site: the template on the procedure page, the composer.

The composer page (``saksmelding/<ID>.md``) holds an accessible HTML form, the
data of :func:`sopkit.outputs.ticket.text.composer_data` as JSON, and links to its own script
and styles (``../assets/...``), so it works from a file share with no network
and needs nothing in ``mkdocs.yml``.
"""

from __future__ import annotations

from sopkit.outputs.templates import render
from sopkit.outputs.ticket.text import composer_data, fill, spec
from sopkit.outputs.urls import (
    COMPOSER_CSS,
    COMPOSER_JS,
    COMPOSER_PAGE,
    PROCEDURE_PAGE,
    href,
)
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.patterns import BUILTINS
from sopkit.source.project import Project

COMPOSER_TEMPLATE = "site/composer.md.j2"
BLOCK_TEMPLATE = "site/ticket_block.md.j2"


def with_ticket(library: Library) -> list[Procedure]:
    """The procedures on the site (all but obsolete ones) that define a ticket."""
    return [proc for proc in library.current() if proc.ticket is not None]


def composer_pages(library: Library) -> dict[str, str]:
    """Procedure ID -> docs path of its composer page (for the site's pages)."""
    return {proc.id: COMPOSER_PAGE.format(id=proc.id) for proc in with_ticket(library)}


def ticket_block_html(proc: Procedure, library: Library, project: Project) -> str:
    """The ticket's section of the procedure page: a Markdown heading, then HTML.

    The template with visible «placeholders», the subject and the description in
    code blocks (Material adds copy buttons), the phone script, a link to the
    composer. Insert it on its own, with blank lines around it.
    """
    page = PROCEDURE_PAGE.format(id=proc.id)
    ticket = spec(proc)
    return render(
        project.templates, BLOCK_TEMPLATE,
        proc=proc, ticket=fill(proc, library, project),
        optional=[f.label for f in ticket.fields if not f.required],
        composer_href=href(page, COMPOSER_PAGE.format(id=proc.id)),
    )


def ticket_blocks(library: Library, project: Project) -> dict[str, str]:
    """Procedure ID -> its ticket block (for the site's pages), for every procedure with a
    ticket: an obsolete one shows its template too (marked, without the composer), since
    its page must still show all it mandated."""
    return {proc.id: ticket_block_html(proc, library, project)
            for proc in library.procedures if proc.ticket is not None}


def composer_page(proc: Procedure, library: Library, project: Project) -> str:
    page = COMPOSER_PAGE.format(id=proc.id)
    data = composer_data(proc, library, project)
    return render(
        project.templates, COMPOSER_TEMPLATE,
        proc=proc, data=data, ticket=fill(proc, library, project),
        case_number=any(["field", name] in line for line in data["phone"] for name in BUILTINS),
        procedure_href=href(page, PROCEDURE_PAGE.format(id=proc.id)),
        js_href=href(page, COMPOSER_JS), css_href=href(page, COMPOSER_CSS),
    )


def site_files(library: Library, project: Project) -> dict[str, str]:
    """Docs-relative path -> text: a composer page per procedure with a ticket, and the
    composer's script and styles (copied from ``templates/``)."""
    files = {COMPOSER_PAGE.format(id=proc.id): composer_page(proc, library, project)
             for proc in with_ticket(library)}
    if files:
        for asset in (COMPOSER_JS, COMPOSER_CSS):
            files[asset] = (project.templates / asset).read_text(encoding="utf-8")
    return files
