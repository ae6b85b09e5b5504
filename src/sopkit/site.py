"""The handbook site: Markdown pages from templates, then a real MkDocs build.

Pages are written into a staging docs folder (``build/docs``) before MkDocs
runs, so nothing depends on MkDocs plugins or hooks; :func:`mkdocs_build` is
the one place that knows how the site generator is called, so it can be
swapped (see the design notes on MkDocs 2.0 and Zensical).

Pages without the navigation sidebar (``template: wide.html``: change pages
and archived revision texts) do not depend on the other pages, so they are
staged apart (``build/docs-apart``) and built by a second MkDocs process at
the same time as the rest: on two cores their build time leaves the total.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .errors import SopkitError
from .library import Library
from .logs import warnings_logged
from .model import Application, Procedure
from .project import Project
from .render import CARD_PDF, DRAFT_PAGE, PROCEDURE_PAGE, href, render

NavItem = dict[str, Any]
FRONT_PAGE = "index.md"
ASSETS = "assets"
EXTRA_CSS = ("assets/stylesheets/a11y.css", "assets/stylesheets/sopkit.css")
EXTRA_JS = ("assets/javascripts/a11y.js", "assets/javascripts/sopkit.js")


@dataclass
class Folder:
    """A node of the handbook tree (Dokumentplassering)."""

    children: dict[str, Folder] = field(default_factory=dict)
    procedures: list[Procedure] = field(default_factory=list)

    def add(self, path: list[str], proc: Procedure) -> None:
        node = self
        for name in path:
            node = node.children.setdefault(name, Folder())
        node.procedures.append(proc)

    def nav(self) -> list[NavItem]:
        items: list[NavItem] = [
            {name: child.nav()} for name, child in sorted(self.children.items())
        ]
        items += [{f"{p.id} {p.title}": PROCEDURE_PAGE.format(id=p.id)} for p in self.procedures]
        return items


def handbook_tree(procedures: tuple[Procedure, ...]) -> Folder:
    root = Folder()
    for proc in procedures:
        root.add(proc.location.path, proc)
    return root


def page_files(
    library: Library,
    project: Project,
    *,
    cards: Mapping[str, list[str]] | None = None,
    ticket_blocks: Mapping[str, str] | None = None,
    composer_pages: Mapping[str, str] | None = None,
    drafts: Mapping[str, tuple[Procedure, str]] | None = None,
) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown text.

    ``library`` holds the texts in force (see :func:`sopkit.build.in_force`).
    ``cards`` maps a procedure ID to its card sizes; ``ticket_blocks`` to the
    HTML of its ticket; ``composer_pages`` to the docs path of its composer;
    ``drafts`` to a draft under way for it and that draft's ticket HTML: those
    get a page of their own (``utkast/<ID>``), left out of search.
    """
    cards = cards or {}
    ticket_blocks = ticket_blocks or {}
    composer_pages = composer_pages or {}
    drafts = drafts or {}
    current = library.current()
    files: dict[str, str] = {}
    titles = {p.id: p.title for p in library.procedures}

    def procedure_page(page: str, proc: Procedure, **context: object) -> None:
        files[page] = render(
            project.templates, "site/procedure.md.j2",
            proc=proc, rev=proc.current, approved=proc.last_approved,
            overdue=(proc.status == "approved" and proc.current.valid_until is not None
                     and proc.current.valid_until < library.today),
            apps=[library.applications[key] for key in proc.applications],
            titles=titles, today=library.today,
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
    files[FRONT_PAGE] = render(
        project.templates, "site/index.md.j2",
        handbook=library.handbook, urgent=[p for p in current if p.urgent],
        tree=handbook_tree(current),
    )
    files["applikasjoner.md"] = render(
        project.templates, "site/applications.md.j2",
        applications=sorted(library.applications.values(), key=_app_order),
        used_by={key: [p for p in current if key in p.applications]
                 for key in library.applications},
    )
    files["arkiv.md"] = render(
        project.templates, "site/archive.md.j2",
        obsolete=[p for p in library.procedures if p.status == "obsolete"],
    )
    return files


def _app_order(app: Application) -> tuple[int, str]:
    return app.criticality, app.name.casefold()


def navigation(library: Library, extra: list[NavItem] | None = None) -> list[NavItem]:
    """The site's navigation: the handbook tree, then the registers and the archive."""
    archive = [{f"{p.id} {p.title}": PROCEDURE_PAGE.format(id=p.id)}
               for p in library.procedures if p.status == "obsolete"]
    return [
        {"Forside": FRONT_PAGE},
        *handbook_tree(library.current()).nav(),
        {"Applikasjoner": "applikasjoner.md"},
        *(extra or []),
        {"Arkiv": ["arkiv.md", *archive]},
    ]


_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_WIDE = re.compile(r"^template: wide\.html$", re.MULTILINE)


def _is_wide(name: str, content: str | bytes) -> bool:
    """True for a page whose front matter chooses ``template: wide.html``."""
    if not name.endswith(".md") or not isinstance(content, str):
        return False
    front = _FRONT_MATTER.match(content)
    return front is not None and _WIDE.search(front.group(1)) is not None


APART_MIN_PAGES = 200
"""Fewer pages than this are built with the rest: starting a second MkDocs
process (about a second) would cost more than it saves."""


def split_apart(files: Mapping[str, str | bytes], features: Sequence[str] = ()
                ) -> tuple[dict[str, str | bytes], dict[str, str | bytes]]:
    """(files for the main build, pages built apart): the pages apart are those
    whose front matter chooses ``template: wide.html`` (no navigation), when
    there are at least :data:`APART_MIN_PAGES` of them and the theme
    ``features`` put no navigation into the header (sticky tabs)."""
    if "navigation.tabs.sticky" in features:
        return dict(files), {}
    main: dict[str, str | bytes] = {}
    apart: dict[str, str | bytes] = {}
    for name, content in files.items():
        (apart if _is_wide(name, content) else main)[name] = content
    if len(apart) < APART_MIN_PAGES:
        return dict(files), {}
    return main, apart


def write_docs(docs: Path, files: Mapping[str, str | bytes], *,
               assets: Path | None = None) -> None:
    """Make the staging docs folder hold exactly ``files`` (and ``assets``, a folder).

    Files whose content is unchanged since the last build are left alone, and
    files no longer generated are removed: after an edit only the pages that
    changed are written (rewriting all of them took about a second at 1000
    procedures).
    """
    wanted: dict[Path, bytes] = {}
    if assets is not None and assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                wanted[docs / ASSETS / path.relative_to(assets)] = path.read_bytes()
    for relative, content in files.items():
        wanted[docs / relative] = content if isinstance(content, bytes) else content.encode()
    if docs.is_dir():
        for path in sorted(docs.rglob("*"), reverse=True):  # files before their folders
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif path not in wanted:
                path.unlink()
    for path, content in wanted.items():
        try:
            if path.read_bytes() == content:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def mkdocs_build(config_file: Path, docs: Path, site: Path, nav: list[NavItem], *,
                 apart: Path | None = None) -> None:
    """Build the site with MkDocs + Material. Any MkDocs warning fails the build.

    ``apart`` is a second docs folder of pages without navigation (see
    :func:`split_apart`). A second process builds them with the same settings
    while this one builds ``docs``, and their pages join ``site``: a page
    without navigation comes out the same either way. The second build gets a
    stand-in front page, as the home the header links to.
    """
    pages = sorted(apart.rglob("*.md")) if apart is not None else []
    if apart is None or not pages:
        _raise_on(_mkdocs(config_file, docs, site, nav))
        return
    front = apart / FRONT_PAGE
    apart_site = site.with_name(f"{site.name}.apart")
    try:
        front.write_text("# Forside\n", encoding="utf-8")  # not published
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            other = pool.submit(_mkdocs, config_file, apart, apart_site,
                                [{"Forside": FRONT_PAGE}])
            problems = _mkdocs(config_file, docs, site, nav)
            try:
                problems += [f"{line} (pages without navigation, built apart)"
                             for line in other.result()]
            except Exception as exc:  # the worker died, or a template failed there
                problems.append("MkDocs build of the pages without navigation failed: "
                                f"{type(exc).__name__}: {exc}")
        _raise_on(problems)
        for page in pages:
            built = page.relative_to(apart).with_suffix(".html")
            (site / built).parent.mkdir(parents=True, exist_ok=True)
            os.replace(apart_site / built, site / built)
    finally:
        front.unlink(missing_ok=True)
        shutil.rmtree(apart_site, ignore_errors=True)


def _mkdocs(config_file: Path, docs: Path, site: Path, nav: list[NavItem]) -> list[str]:
    """One MkDocs build; what went wrong, as lines (empty when all went well)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    with warnings_logged("mkdocs") as messages:
        try:
            config = load_config(
                config_file=str(config_file), docs_dir=str(docs), site_dir=str(site), nav=nav,
                strict=True,
            )
            config.extra_css.extend(c for c in EXTRA_CSS if c not in config.extra_css)
            config.extra_javascript.extend(
                j for j in EXTRA_JS if j not in config.extra_javascript)
            build(config)
        except (Abort, ConfigurationError) as exc:
            return [f"MkDocs build failed: {exc}", *(f"  {m}" for m in messages)]
    return [f"MkDocs warned: {m}" for m in messages]


def _raise_on(problems: list[str]) -> None:
    if problems:
        raise SopkitError("\n".join(problems))
