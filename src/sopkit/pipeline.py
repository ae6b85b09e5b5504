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
from dataclasses import dataclass, field, replace
from pathlib import Path

from sopkit.outputs.card.cache import place_cards, prepare_cards
from sopkit.outputs.site import generator as builder
from sopkit.outputs.site import pages as site
from sopkit.outputs.site import quality as quality_site
from sopkit.outputs.site.verify import verify_site
from sopkit.outputs.ticket import composer as ticket_site
from sopkit.quality.history import History
from sopkit.source.library import Library, read_library
from sopkit.source.model import Procedure
from sopkit.source.project import Project

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class BuildReport:
    procedures: int = 0
    pages: int = 0
    cards: int = 0
    shares: list[int] = field(default_factory=list)
    """Pages rendered by each MkDocs process (see :mod:`sopkit.builder`)."""
    warnings: list[str] = field(default_factory=list)
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
    report.warnings = [w.format() for w in library.warnings.sorted()]

    # Pages are about two per procedure: enough of them are built by several MkDocs
    # processes, which start now and get ready while sopkit renders.
    with builder.Processes(builder.shard_count(2 * report.procedures)) as processes:
        _render_and_publish(library, project, target, report, phase, processes)
    phase.done()
    return report


def _render_and_publish(library: Library, project: Project, target: Path,
                        report: BuildReport, phase: _Phases, processes: builder.Processes
                        ) -> None:
    phase("rendering pages")
    history = History(library)
    published, drafts = in_force(library, history)
    files = _generated_files(library, published, drafts, history, project)
    report.pages = sum(1 for name in files if name.endswith(".md"))
    docs = project.build / "docs"
    site.write_docs(docs, files, assets=project.templates / site.ASSETS)

    phase("rendering wall cards")
    cards = prepare_cards(published, project)
    report.cards = len(cards)

    phase("building the site with MkDocs")
    staging = target.with_name(f".{target.name}.building")
    _remove(staging)
    try:
        nav = site.navigation(library, extra=quality_site.nav_items())
        report.shares = builder.mkdocs_build(project.mkdocs_yml, docs, staging, nav,
                                             processes=processes)
        phase("placing wall cards")
        place_cards(cards, staging, previous=target)  # beside MkDocs: it would copy them again
        phase("verifying outputs")
        verify_site(published, staging, drafts)
        ticket_site.verify_built(published, project, staging)
        phase("publishing")
        _swap(staging, target)
    finally:
        _remove(staging)


def in_force(library: Library, history: History) -> tuple[Library, dict[str, Procedure]]:
    """The library as staff must see it, and the drafts under way.

    While an approved document has a new draft, its last approved text stays in
    force: that text (from the working file or git, proven by its fingerprint)
    takes the draft's place on its page, its card and its ticket. The drafts are
    returned apart, for pages of their own.
    """
    shown: list[Procedure] = []
    drafts: dict[str, Procedure] = {}
    for proc in library.procedures:
        last = proc.last_approved
        if proc.status == "draft" and last is not None:
            approved = history.version(proc.id, last.revision).proc
            shown.append(approved.model_copy(update={"status": "approved"}))
            drafts[proc.id] = proc
        else:
            shown.append(proc)
    return replace(library, procedures=tuple(shown)), drafts


def _generated_files(library: Library, published: Library, drafts: dict[str, Procedure],
                     history: History, project: Project) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    files.update(site.page_files(
        published, project,
        cards={p.id: list(p.card.sizes) for p in published.current() if p.card is not None},
        ticket_blocks=ticket_site.ticket_blocks(published, project),
        composer_pages=ticket_site.composer_pages(published),
        drafts={doc_id: (draft, ticket_site.ticket_block_html(draft, library, project)
                         if draft.ticket else "") for doc_id, draft in drafts.items()},
    ))
    files.update(ticket_site.site_files(published, project))
    files.update(quality_site.site_files(library, project, history))
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
