"""One build, in named phases: read, render, write, verify, publish.

Everything is read and checked before anything is written. The site is built
into a temporary folder beside the target and swapped in only when the whole
build has succeeded, so a failed or interrupted build leaves the previous
``site/`` intact.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import quality_site, site, ticket_site
from .cards import render_cards
from .library import Library, read_library
from .project import Project
from .verify import verify_site

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class BuildReport:
    procedures: int = 0
    pages: int = 0
    cards: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class _Phases:
    def __init__(self, report: BuildReport, progress: Progress) -> None:
        self.report = report
        self.progress = progress
        self.name = ""
        self.started = 0.0

    def __call__(self, name: str) -> None:
        self.done()
        self.name, self.started = name, time.perf_counter()
        self.progress(f"{name}...")

    def done(self) -> None:
        if self.name:
            self.report.seconds[self.name] = time.perf_counter() - self.started
            self.name = ""


def build_site(
    project: Project,
    *,
    strict: bool = False,
    target: Path | None = None,
    progress: Progress = _quiet,
) -> BuildReport:
    """Build the handbook into ``target`` (default ``site/``)."""
    target = (target or project.site).resolve()
    report = BuildReport()
    phase = _Phases(report, progress)

    phase("reading procedure/")
    library = read_library(project.procedures, strict=strict)
    report.procedures = len(library.procedures)

    phase("rendering pages")
    files = _generated_files(library, project)
    report.pages = sum(1 for name in files if name.endswith(".md"))
    docs = project.build / "docs"
    site.write_docs(docs, project, files)

    phase("rendering wall cards")
    report.cards = len(render_cards(library, project, docs))

    phase("building the site with MkDocs")
    staging = target.with_name(f".{target.name}.building")
    _remove(staging)
    try:
        nav = site.navigation(library, extra=quality_site.nav_items(library))
        site.mkdocs_build(project.mkdocs_yml, docs, staging, nav)
        phase("verifying outputs")
        verify_site(library, staging)
        ticket_site.verify_built(library, project, staging)
        phase("publishing")
        _swap(staging, target)
    finally:
        _remove(staging)
    phase.done()
    return report


def _generated_files(library: Library, project: Project) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    files.update(site.page_files(
        library, project,
        cards={p.id: list(p.card.sizes) for p in library.current() if p.card is not None},
        ticket_blocks=ticket_site.ticket_blocks(library, project),
        composer_pages=ticket_site.composer_pages(library),
    ))
    files.update(ticket_site.site_files(library, project))
    files.update(quality_site.site_files(library, project))
    return files


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with two renames."""
    old = target.with_name(f".{target.name}.old")
    _remove(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
