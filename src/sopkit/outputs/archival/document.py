"""Archival PDFs of approved revisions (``sopkit pdf``): A4, PDF/A-2u, tagged.

Laid out like the controlled document: the title, "Side x av y", the metadata
block, every section with numbered steps, the references, and the signature
table (Utarbeidet av, Fagansvarlig, Godkjent av, Verifisert av). The HTML comes
from ``templates/pdf/archival.html.j2`` and ``templates/pdf/archival.css``.

PDF/A-2 is one of the formats the Norwegian National Archives accept for
preservation; the "u" level promises that all text maps to Unicode (so it can
be searched and copied), and the PDF is tagged (structure for screen readers)
with the language set to Norwegian bokmål.

The font (:mod:`sopkit.outputs.pdf`) is embedded as ``data:`` URLs, so the
document needs no file or network access: the default URL fetcher refuses
everything but ``data:``.
Pass the project's sandboxed fetcher as ``url_fetcher`` to allow more. The
PDF's dates are the approval date, so the same revision always gives the
same bytes. Any WeasyPrint warning (a missing font, bad CSS) fails the render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopkit.outputs.archival.verify import HINT, verify_archival
from sopkit.outputs.evidence import Report, raise_on_missing
from sopkit.outputs.files import inline_links
from sopkit.outputs.pdf import font_face_css
from sopkit.outputs.templates import render
from sopkit.outputs.ticket.text import fill
from sopkit.quality.history import Version
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library
from sopkit.source.model import Procedure, Revision
from sopkit.source.project import Project

if TYPE_CHECKING:
    from sopkit.outputs.fetcher import SandboxFetcher

PDF_VARIANT = "pdf/a-2u"
TEMPLATE = "pdf/archival.html.j2"
STYLESHEET = "pdf/archival.css"
FILE_NAME = "{id}-{revision}.pdf"


def archival_html(version: Version, library: Library, project: Project) -> str:
    if version.working or version.revision.approved is None:
        raise SopkitError(
            f"{version.doc_id} revision {version.revision.revision} is not approved; an "
            f"archival PDF records an approved text (run 'sopkit approve {version.doc_id}')")
    return _html(version.proc, version.revision, library, project)


def _html(proc: Procedure, rev: Revision, library: Library, project: Project) -> str:
    return render(
        project.templates, TEMPLATE,
        proc=proc, rev=rev, handbook=library.handbook,
        titles={p.id: p.title for p in library.procedures},
        ticket=fill(proc, library, project) if proc.ticket else None,
        files=inline_links(proc),
    )


def render_pdf(html: str, css: str, *, base_url: str, url_fetcher: SandboxFetcher | None = None,
               label: str = "archival PDF") -> bytes:
    """HTML to PDF/A-2u bytes with WeasyPrint; any WeasyPrint warning is an error."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from sopkit.outputs.fetcher import SandboxFetcher, strict

    fetcher = url_fetcher or SandboxFetcher(())  # no folders: data: URLs only
    fonts = FontConfiguration()
    with strict(label, fetcher):
        stylesheets = [CSS(string=font_face_css(inline=True), font_config=fonts,
                           url_fetcher=fetcher),
                       CSS(string=css, font_config=fonts, url_fetcher=fetcher)]
        pdf: bytes | None = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT, pdf_tags=True,
        )
    assert pdf is not None
    return pdf


def trial_pdf(proc: Procedure, rev: Revision, library: Library, project: Project) -> bytes:
    """The archival PDF ``proc``'s working text will get once approved as ``rev`` (for
    the gate of ``sopkit approve``: the PDF must be possible before it is recorded)."""
    css = (project.templates / STYLESHEET).read_text(encoding="utf-8")
    return render_pdf(_html(proc, rev, library, project), css,
                      base_url=project.templates.resolve().as_uri() + "/",
                      label=f"{proc.id} (archival PDF)")


def render_archival(version: Version, library: Library, project: Project, *,
                    url_fetcher: SandboxFetcher | None = None) -> tuple[bytes, Report]:
    """The archival PDF of one approved revision, and the report of reading it back."""
    html = archival_html(version, library, project)
    css = (project.templates / STYLESHEET).read_text(encoding="utf-8")
    pdf = render_pdf(html, css, base_url=project.templates.resolve().as_uri() + "/",
                     url_fetcher=url_fetcher,
                     label=f"{version.doc_id} revision {version.revision.revision} "
                           "(archival PDF)")
    name = FILE_NAME.format(id=version.doc_id, revision=version.revision.revision)
    return pdf, verify_archival(version.proc, pdf, name)


def archival_pdf(version: Version, library: Library, project: Project, *,
                 url_fetcher: SandboxFetcher | None = None) -> bytes:
    """The archival PDF of one approved revision, checked: :class:`SopkitError` naming
    what it lacks, if anything."""
    pdf, report = render_archival(version, library, project, url_fetcher=url_fetcher)
    raise_on_missing([report], HINT)
    return pdf
