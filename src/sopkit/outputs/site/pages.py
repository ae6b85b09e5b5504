"""The handbook site: Markdown pages from templates, then a real MkDocs build.

Pages are written into a staging docs folder (``build/docs``) before MkDocs
runs, so nothing depends on MkDocs plugins or hooks; :mod:`.generator` is the
one place that knows how the site generator is called, so it can be swapped
(see the design notes on MkDocs 2.0 and Zensical).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from markupsafe import Markup

from sopkit.outputs.files import page_links
from sopkit.outputs.site.nav import NavEntry, NavPage, NavSection
from sopkit.outputs.site.rendercache import RenderCache
from sopkit.outputs.templates import render
from sopkit.outputs.urls import (
    APPLICATIONS_PAGE,
    ARCHIVE_PAGE,
    ASSETS,
    CARD_PDF,
    CHANGES_PAGE,
    DRAFT_PAGE,
    FOLDERS,
    FRONT_PAGE,
    PROCEDURE_PAGE,
    href,
)
from sopkit.source.library import Library
from sopkit.source.model import Application, Procedure, Section
from sopkit.source.project import Project
from sopkit.source.review import review_state


@dataclass
class Folder:
    """A node of the handbook tree (Dokumentplassering), with the address of its
    index page (``mapper/<slug>/.../index.md``; the root has none)."""

    page: str = ""
    children: dict[str, Folder] = field(default_factory=dict)
    procedures: list[Procedure] = field(default_factory=list)

    def add(self, path: list[str], proc: Procedure) -> None:
        node = self
        for name in path:
            if name not in node.children:
                base = node.page.removesuffix("index.md") if node.page else FOLDERS
                taken = {child.page for child in node.children.values()}
                slug = _slug(name)
                page = f"{base}{slug}/index.md"
                number = 2
                while page in taken:  # two names with the same slug
                    page, number = f"{base}{slug}-{number}/index.md", number + 1
                node.children[name] = Folder(page)
            node = node.children[name]
        node.procedures.append(proc)

    def nav(self) -> tuple[NavEntry, ...]:
        """Each folder a section whose first page is its index page (the breadcrumbs
        of a procedure page link to it)."""
        folders = [NavSection(name, (NavPage(child.page), *child.nav()))
                   for name, child in sorted(self.children.items())]
        return (*folders, *(_nav_page(p) for p in self.procedures))

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Folder]]:
        for name, child in sorted(self.children.items()):
            yield (*path, name), child
            yield from child.walk((*path, name))


def _slug(name: str) -> str:
    """A folder name as a path segment: lower case, words joined by hyphens (æøå kept)."""
    return re.sub(r"[^\w]+", "-", name.casefold()).strip("-_") or "mappe"


def handbook_tree(procedures: tuple[Procedure, ...]) -> Folder:
    root = Folder()
    for proc in procedures:
        root.add(proc.location.path, proc)
    return root


def steps_first(proc: Procedure) -> list[Section]:
    """The sections in the order a procedure page shows them: steps first.

    The first section with steps moves ahead of those before it (purpose, scope,
    background...), so the first step is on the first screen of a phone; the
    others keep their order, and so steps keep theirs. The archival PDF keeps
    the document's own order.
    """
    sections = list(proc.sections)
    first = next((i for i, s in enumerate(sections) if any(s.steps())), 0)
    return [sections[first], *sections[:first], *sections[first + 1:]]


def page_files(
    library: Library,
    project: Project,
    *,
    cards: Mapping[str, list[str]] | None = None,
    ticket_blocks: Mapping[str, str] | None = None,
    composer_pages: Mapping[str, str] | None = None,
    drafts: Mapping[str, tuple[Procedure, str]] | None = None,
    kept: RenderCache | None = None,
) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown text.

    ``library`` holds the texts in force (see :func:`sopkit.quality.history.in_force`).
    ``cards`` maps a procedure ID to its card sizes; ``ticket_blocks`` to the
    HTML of its ticket; ``composer_pages`` to the docs path of its composer;
    ``drafts`` to a draft under way for it and that draft's ticket HTML: those
    get a page of their own (``utkast/<ID>``), left out of search. ``kept``: the
    Markdown of procedure and folder pages from the last build, by their input
    (:mod:`.rendercache`).
    """
    cards = cards or {}
    ticket_blocks = ticket_blocks or {}
    composer_pages = composer_pages or {}
    drafts = drafts or {}
    in_force = library.in_force()
    files: dict[str, str] = {}
    titles = {p.id: p.title for p in library.procedures}

    cached = kept.render if kept is not None else partial(_render, project.templates)

    def procedure_page(page: str, proc: Procedure, **context: object) -> None:
        revised = proc.revised or proc.id in drafts  # a draft is a second revision
        files[page] = cached(
            "site/procedure.md.j2", derived=("sections",),
            page=page, proc=proc, rev=proc.current, approved=proc.last_approved,
            changes_href=href(page, CHANGES_PAGE.format(id=proc.id)) if revised else "",
            sections=steps_first(proc),
            overdue=proc.status != "draft" and review_state(proc, library.today).overdue,
            apps=[library.applications[key] for key in proc.applications],
            titles=titles, today=library.today, files=page_links(page, proc),
            **context,
        )

    for proc in library.procedures:
        page = PROCEDURE_PAGE.format(id=proc.id)
        composer = composer_pages.get(proc.id)
        draft_page = DRAFT_PAGE.format(id=proc.id)
        procedure_page(
            page, proc,
            cards=[(size, href(page, CARD_PDF.format(id=proc.id, size=size)))
                   for size in cards.get(proc.id, [])],
            composer_href=href(page, composer) if composer else "",
            ticket_block=Markup(ticket_blocks.get(proc.id, "")),
            draft=drafts[proc.id][0] if proc.id in drafts else None,
            draft_href=href(page, draft_page) if proc.id in drafts else "",
            in_force_href="",
        )
        if proc.id in drafts:
            draft, draft_ticket = drafts[proc.id]
            procedure_page(
                draft_page, draft, cards=[], composer_href="",
                ticket_block=Markup(draft_ticket), draft=None, draft_href="",
                in_force_href=href(draft_page, page),
            )
    for path, folder in handbook_tree(in_force).walk():
        files[folder.page] = cached(
            "site/folder.md.j2", page=folder.page, path=path,
            subfolders=[(name, href(folder.page, child.page))
                        for name, child in sorted(folder.children.items())],
            documents=[(proc, href(folder.page, PROCEDURE_PAGE.format(id=proc.id)))
                       for proc in sorted(folder.procedures, key=lambda p: p.id)])
    files[FRONT_PAGE] = render(
        project.templates, "site/index.md.j2", page=FRONT_PAGE,
        handbook=library.handbook, urgent=[p for p in in_force if p.urgent],
        tree=handbook_tree(in_force),
    )
    files[APPLICATIONS_PAGE] = render(
        project.templates, "site/applications.md.j2", page=APPLICATIONS_PAGE,
        applications=sorted(library.applications.values(), key=_app_order),
        used_by={key: [p for p in in_force if key in p.applications]
                 for key in library.applications},
    )
    files[ARCHIVE_PAGE] = render(
        project.templates, "site/archive.md.j2", page=ARCHIVE_PAGE,
        obsolete=[p for p in library.procedures if p.status == "obsolete"],
    )
    return files


def _render(templates: Path, name: str, *, derived: tuple[str, ...] = (),
            **context: object) -> str:
    return render(templates, name, **context)


def _app_order(app: Application) -> tuple[int, str]:
    return app.criticality, app.name.casefold()


def navigation(library: Library, extra: Sequence[NavEntry] = ()) -> list[NavEntry]:
    """The site's navigation: the handbook tree, then the registers and the archive.

    Drafts never approved are not in it: the register lists them for reviewers.
    """
    archive = [_nav_page(p) for p in library.procedures if p.status == "obsolete"]
    return [
        NavPage(FRONT_PAGE, "Forside"),
        *handbook_tree(library.in_force()).nav(),
        NavPage(APPLICATIONS_PAGE, "Applikasjoner"),
        *extra,
        NavSection("Arkiv", (NavPage(ARCHIVE_PAGE), *archive)),
    ]


def _nav_page(proc: Procedure) -> NavPage:
    return NavPage(PROCEDURE_PAGE.format(id=proc.id), f"{proc.id} {proc.title}")


def write_docs(docs: Path, files: Mapping[str, str | bytes], *,
               assets: Path | None = None, unchanged: Mapping[str, str] | None = None
               ) -> None:
    """Make the staging docs folder hold exactly ``files`` (and ``assets``, a folder).

    Files whose content is unchanged since the last build are left alone, and
    files no longer generated are removed: after an edit only the pages that
    changed are written (rewriting all of them took about a second at 1000
    procedures). ``unchanged``: pages known to be in ``docs`` already with the text
    given there (:attr:`.RenderCache.unchanged`), not read again while ``files`` holds
    that very text for them.
    """
    wanted: dict[Path, bytes] = {}
    if assets is not None and assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                wanted[docs / ASSETS / path.relative_to(assets)] = path.read_bytes()
    known = {docs / relative for relative, text in (unchanged or {}).items()
             if files.get(relative) is text}
    for relative, content in files.items():
        wanted[docs / relative] = content if isinstance(content, bytes) else content.encode()
    if docs.is_dir():
        _remove_unwanted(docs, {str(path) for path in wanted})
    for path, content in wanted.items():
        if path in known:
            continue
        try:
            if path.read_bytes() == content:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _remove_unwanted(docs: Path, wanted: set[str]) -> None:
    """Remove from ``docs`` every file not ``wanted`` and every folder left empty,
    folders after what they hold (the file type as the folder listing gives it: a
    stat of each of 2300 files and a sort of their paths took 0.15 s of every build)."""
    for folder, folders, names in os.walk(docs, topdown=False):
        for name in names:
            path = os.path.join(folder, name)
            if path not in wanted:
                os.unlink(path)
        for name in folders:
            path = os.path.join(folder, name)
            if os.path.islink(path):  # listed as a folder, not one of ours
                if path not in wanted:
                    os.unlink(path)
            elif not os.listdir(path):
                os.rmdir(path)
