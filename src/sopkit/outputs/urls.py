"""Every address of the handbook, in one place.

Pages are named by their docs-relative Markdown path (``dokumenter/D29653.md``);
MkDocs builds each into the same path ending in ``.html`` (the site uses
``use_directory_urls: false``), which is the stable address wall-card QR codes
point at. Links between pages are always relative, so the site works from a
file share. Templates link with ``link(page, kind, ...)``, e.g.
``link(page, "procedure", id=proc.id)``.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

FRONT_PAGE = "index.md"
APPLICATIONS_PAGE = "applikasjoner.md"
ARCHIVE_PAGE = "arkiv.md"
PROCEDURE_PAGE = "dokumenter/{id}.md"
DRAFT_PAGE = "utkast/{id}.md"
COMPOSER_PAGE = "saksmelding/{id}.md"
REGISTER_PAGE = "dokumentregister.md"
FOLDERS = "mapper/"
"""Where the index pages of the handbook tree's folders are (``mapper/<folder>/.../index.md``)."""
CHANGES_PAGE = "endringer/{id}.md"
REVISION_PAGE = "arkiv/{id}-{revision}.md"
REVISIONS_PAGE = "arkiv/revisjoner.md"
CARD_PDF = "kort/{id}-{size}.pdf"
ARCHIVAL_PDF = "arkiv/pdf/{id}-{revision}.pdf"
"""The archival PDF (PDF/A) of a revision in force."""
EVIDENCE_PAGE = "kontroll.md"
FILE = "filer/{id}/{digest}/{name}"
"""A figure or attachment: under its document and the beginning of its SHA-256."""

ASSETS = "assets"
"""The folder of templates/assets/ in the site (stylesheets and scripts)."""
SITE_CSS = ("assets/stylesheets/a11y.css", "assets/stylesheets/sopkit.css")
SITE_JS = ("assets/javascripts/a11y.js", "assets/javascripts/sopkit.js")
QUALITY_CSS = "assets/stylesheets/quality.css"
COMPOSER_JS = "assets/javascripts/composer.js"
COMPOSER_CSS = "assets/stylesheets/composer.css"

PAGES: dict[str, str] = {
    "front": FRONT_PAGE,
    "applications": APPLICATIONS_PAGE,
    "archive": ARCHIVE_PAGE,
    "procedure": PROCEDURE_PAGE,
    "draft": DRAFT_PAGE,
    "composer": COMPOSER_PAGE,
    "register": REGISTER_PAGE,
    "changes": CHANGES_PAGE,
    "revision": REVISION_PAGE,
    "revisions": REVISIONS_PAGE,
    "card": CARD_PDF,
    "archival": ARCHIVAL_PDF,
    "evidence": EVIDENCE_PAGE,
    "quality_css": QUALITY_CSS,
    "composer_js": COMPOSER_JS,
    "composer_css": COMPOSER_CSS,
}


def page(kind: str, **ids: str) -> str:
    """The docs path of a page (or file) of ``kind``: ``page("procedure", id="D1")``."""
    return PAGES[kind].format(**ids)


def built(docs_path: str) -> str:
    """Where MkDocs writes a page in the site: ``dokumenter/D1.md`` -> ``dokumenter/D1.html``."""
    return docs_path.removesuffix(".md") + ".html" if docs_path.endswith(".md") else docs_path


def href(from_page: str, to: str) -> str:
    """A relative link from one docs page to another page's ``.html`` (or an asset)."""
    target = built(to).split("/")
    start = [part for part in posixpath.dirname(from_page).split("/") if part]
    common = 0
    while common < min(len(start), len(target) - 1) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def link(from_page: str, kind: str, **ids: str) -> str:
    """A relative link from ``from_page`` to the page of ``kind``, for templates."""
    return href(from_page, page(kind, **ids))


def card_qr_url(site: str, doc_id: str, revision: str) -> str:
    """The address a wall card's QR code holds: the procedure's page under ``site``
    (ending in /), with the card's revision, so the page can tell a stale card."""
    return f"{site}{built(page('procedure', id=doc_id))}?revisjon={quote(revision)}"
