"""The handbook site's pages: every page's Markdown (:func:`render`) and the
navigation (:func:`navigation`); the rest of the package builds and checks them."""

from __future__ import annotations

from sopkit.outputs.site import quality
from sopkit.outputs.site.generator import theme_files
from sopkit.outputs.site.nav import NavEntry, NavPage
from sopkit.outputs.site.pages import navigation as _navigation
from sopkit.outputs.site.pages import page_files
from sopkit.outputs.site.rendercache import RenderCache
from sopkit.outputs.ticket import composer
from sopkit.outputs.urls import EVIDENCE_PAGE
from sopkit.quality.history import History
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.project import Project


def render(library: Library, published: Library, drafts: dict[str, Procedure],
           history: History, project: Project, kept: RenderCache | None = None
           ) -> dict[str, str]:
    """Docs-relative path -> Markdown of every page of the site but the composer's.

    ``published`` holds the texts in force, ``drafts`` the drafts under way
    (:func:`sopkit.quality.history.in_force`); the quality pages show ``library``.
    ``kept``: procedure pages' Markdown from the last build (:mod:`.rendercache`).
    """
    files = page_files(
        published, project,
        cards={p.id: list(p.card.sizes) for p in published.current() if p.card is not None},
        ticket_blocks=composer.ticket_blocks(published, project),
        composer_pages=composer.composer_pages(published),
        drafts={doc_id: (draft, composer.ticket_block_html(draft, library, project)
                         if draft.ticket else "") for doc_id, draft in drafts.items()},
        kept=kept,
    )
    files.update(quality.site_files(library, project, history))
    files.update(theme_files())
    return files


def navigation(library: Library) -> list[NavEntry]:
    """The site's navigation: the handbook tree, the registers, the archive."""
    return _navigation(library, extra=[*quality.nav_items(),
                                       NavPage(EVIDENCE_PAGE, "Kontroll av dokumentene")])


archived_texts = quality.archived_texts
