"""One build, in named phases: read, render, write, verify, publish.

read (:mod:`sopkit.source`: every file checked, all problems at once) ->
in force (:mod:`sopkit.quality`: a draft's last approved text stays on the
wall) -> render (:mod:`sopkit.outputs`: site pages, ticket pages, cards) ->
build (MkDocs) -> verify (each output holds what the procedure mandates) ->
publish (swap the new site in).

Everything is read and checked before anything is written. The site is built
into a temporary folder beside the target and exchanged with it only when the
whole build has succeeded (:mod:`sopkit.publish`), so a failed or interrupted
build leaves the previous ``site/`` intact.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sopkit.outputs import card, site, ticket
from sopkit.outputs.archival.cache import prepare_archival
from sopkit.outputs.evidence import raise_on_missing
from sopkit.outputs.files import site_files
from sopkit.outputs.site.evidence import evidence_page, fill_evidence
from sopkit.outputs.templates import keep_compiled
from sopkit.outputs.urls import ASSETS
from sopkit.outputs.workers import Stamps, place
from sopkit.proof import HINT, verify_outputs
from sopkit.publish import (
    Later,
    build_lock,
    check_target,
    discard,
    publish,
    recover,
    staging_for,
)
from sopkit.quality.history import History, in_force
from sopkit.source.errors import ContentError, InvalidInput
from sopkit.source.library import Library, read_library
from sopkit.source.project import Project

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class BuildReport:
    procedures: int = 0
    pages: int = 0
    cards: int = 0
    cards_rendered: int = 0
    """Wall cards made in this build; the others came from the cache unchanged."""
    verified: int = 0
    """Artefacts checked after the build (see :mod:`sopkit.proof`)."""
    shares: list[int] = field(default_factory=list)
    """Pages rendered by each MkDocs process (see :mod:`sopkit.outputs.site.generator`)."""
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
    jobs: int = 2,
    again: bool = False,
) -> BuildReport:
    """Build the handbook into ``target`` (default ``site/``), which must be new, empty
    or a site sopkit built, and not a link (see :mod:`sopkit.publish`). ``jobs``: the
    most processes that build together (MkDocs shares, card and PDF workers).
    ``again``: this process will build again (``sopkit serve``): what reading decoded
    and validated is kept for the next build (memory a one-off build does not need),
    and the site replaced is removed in the background (:class:`sopkit.publish.Later`)."""
    check_target(target or project.site, project)
    target = (target or project.site).resolve()
    report = BuildReport()
    phase = _Phases(report, progress)
    with build_lock(project), _long_lived() as freeze:
        _LATER.wait()  # a site this process replaced before, still being removed
        leftovers = recover(target)
        phase("reading procedure/")
        library = read_library(project.procedures, strict=strict,
                               cache=project.build / "cache" / "read.json", keep=again)
        freeze()
        report.procedures = len(library.procedures)
        report.warnings = [w.format() for w in library.warnings.sorted()] + leftovers

        # Pages are about two per procedure: enough of them are built by several MkDocs
        # processes, which start now and get ready while sopkit renders. After a first
        # build most pages come from the page cache: processes start when needed.
        pages = site.PageCache(project.build / "cache" / "pages")
        expected = 0 if pages.index else 2 * report.procedures
        with site.Processes(min(jobs, site.shard_count(expected))) as processes:
            _render_and_publish(library, project, target, report, phase, processes, pages,
                                jobs, _LATER if again else None)
        phase.done()
    return report


_LATER = Later()
"""Removes the sites that builds with ``again`` replaced, in the background."""


def removals_done() -> None:
    """Wait until the sites that builds with ``again`` replaced are removed (before the
    process that built them ends)."""
    _LATER.wait()


@contextmanager
def _long_lived() -> Iterator[Callable[[], None]]:
    """A build keeps what it read (1000 procedures: millions of objects) to the end.
    Python's cycle collector went through all of it again each time a build made many
    objects (reading a cache's index, rendering pages), 0.2-0.5 s of an edit rebuild;
    frozen after reading (the function this gives: :func:`gc.freeze`), they are left
    out of its rounds until the build ends (``sopkit serve`` builds again and again).
    The collector is off until then: the first objects made after reading would have
    set off a round through all of it (0.08 s); cycles left by reading stay, frozen,
    until the build ends (memory only). Nothing is frozen when something else
    froze objects before (a program that runs builds): unfreezing would undo that too."""
    ours = gc.get_freeze_count() == 0
    enabled = gc.isenabled()

    def freeze() -> None:
        gc.freeze()
        if enabled:
            gc.enable()

    if ours:
        gc.disable()
    try:
        yield freeze if ours else lambda: None
    finally:
        if ours:
            gc.unfreeze()
            if enabled:
                gc.enable()


def _render_and_publish(library: Library, project: Project, target: Path,
                        report: BuildReport, phase: _Phases, processes: site.Processes,
                        pages: site.PageCache, jobs: int, later: Later | None) -> None:
    phase("rendering pages")
    keep_compiled(project.templates, project.build / "cache" / "jinja" / "sopkit")
    history = History(library)
    published, drafts = in_force(library, history)
    docs = project.build / "docs"
    kept = site.RenderCache(project.build / "cache" / "markdown.json", docs, project.templates,
                            ("sopkit.outputs.site.pages",))
    files = {**site.render(library, published, drafts, history, project, kept),
             **ticket.render(published, project), **evidence_page(project.templates)}
    report.pages = sum(1 for name in files if name.endswith(".md"))
    site.write_docs(docs, files, assets=project.templates / ASSETS, unchanged=kept.unchanged)
    kept.save()
    del files  # 1000 procedures: 30 MB of Markdown, no longer needed while MkDocs runs

    phase("rendering wall cards")
    try:
        cards = card.render(published, project, jobs=jobs)
    except ContentError as exc:
        raise InvalidInput(library.locate(exc.findings)) from None
    report.cards, report.cards_rendered = len(cards), cards.rendered

    phase("rendering archival PDFs")
    archival = prepare_archival(library, published, history, project, jobs=jobs)

    phase("building the site with MkDocs")
    staging = staging_for(target)
    try:
        report.shares = site.build(project.mkdocs_yml, docs, staging, site.navigation(library),
                                   processes=processes, cache=pages, previous=target,
                                   jobs=jobs, compiled=project.build / "cache" / "jinja" / "theme",
                                   converted=project.build / "cache" / "converted")
        processes.close()  # the other MkDocs processes' memory, for the proof's worker
        phase("placing wall cards and archival PDFs")
        stamps = Stamps(project.build / "cache" / "placed.json", target)
        card.place(cards, staging, previous=target, stamps=stamps)  # MkDocs would copy them
        place(archival, staging, previous=target, stamps=stamps)
        place(site_files([*published.procedures, *drafts.values(),
                          *site.archived_texts(library, history).values()]),
              staging, previous=target)
        phase("verifying outputs")
        reports = verify_outputs(library, published, drafts, history, project, staging,
                                 cards=card.reports(cards, published),
                                 archival=archival.reports(),
                                 jobs=jobs)
        raise_on_missing(reports, HINT)
        fill_evidence(staging, project.templates, reports, library.today)
        report.verified = len(reports)
        phase("publishing")
        report.warnings += publish(staging, target, later=later)
        stamps.save()
    finally:
        report.warnings += discard(staging)
