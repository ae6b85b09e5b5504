"""The archival PDFs of the revisions in force, for the site: cached, rendered, checked.

Like the wall cards, each PDF is cached under a key of everything that shapes
it: the revision's text and record, the titles it refers to, the handbook's
settings and application register, ``templates/pdf/``, the code that renders
it (read from its imports) and the libraries' versions. The ones not in the
cache are rendered and read back (:mod:`.verify`) in worker processes; their
reports are kept in the cache beside them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sopkit.cachefiles import (
    code_digest,
    folder_digest,
    read_index,
    write_atomic,
    write_index,
)
from sopkit.outputs.archival.document import render_archival
from sopkit.outputs.archival.verify import verify_archival
from sopkit.outputs.evidence import Report
from sopkit.outputs.pdf import font_version
from sopkit.outputs.reportcache import kept_reports, names
from sopkit.outputs.urls import ARCHIVAL_PDF
from sopkit.outputs.workers import in_workers
from sopkit.quality.history import History, Version
from sopkit.source.library import Library
from sopkit.source.project import Project

RENDERING_MODULES = ("sopkit.outputs.archival.document", "sopkit.outputs.archival.verify")
RENDERING_LIBRARIES = ("weasyprint", "pydyf", "jinja2", "markupsafe", "markdown-it-py",
                       "pdfminer.six", "fontpkg-inter", "fonttools", "selectolax", "cssselect2",
                       "tinycss2")
REPORTS = "reports.json"


class ArchivalPDFs(dict[str, Path]):
    """Site-relative name -> the cached archival PDF of every revision in force;
    ``versions``: the approved text of each."""

    def __init__(self, wanted: dict[str, tuple[Path, Version]]) -> None:
        super().__init__({name: path for name, (path, _) in wanted.items()})
        self.versions = {name: found for name, (_, found) in wanted.items()}

    def reports(self) -> list[Report]:
        """Their reports, kept in the cache with them: read when asked for (after MkDocs
        has run, so that 1000 reports do not add to the build's peak memory). A PDF
        whose report is missing or damaged is read and checked again."""
        if not self:
            return []
        known = kept_reports(next(iter(self.values())).parent / REPORTS)
        reports = []
        for name, path in self.items():
            report = known.get(path.name)
            if report is None:
                report = verify_archival(self.versions[name].proc, path.read_bytes(), name)
            reports.append(report)
        return reports


def prepare_archival(library: Library, published: Library, history: History, project: Project,
                     *, jobs: int = 2) -> ArchivalPDFs:
    """The archival PDF of every revision in force (``published``: the texts in force),
    from the cache or rendered into it; the cache keeps only these."""
    cache = project.build / "cache" / "archival"
    salt = _salt(library, project)
    titles = {p.id: p.title for p in library.procedures}
    wanted: dict[str, tuple[Path, Version]] = {}
    for proc in published.current():
        last = proc.last_approved
        if last is None:
            continue
        found = history.version(proc.id, last.revision)
        refs = json.dumps([titles.get(r.document, "") for r in found.proc.references])
        key = hashlib.sha256(f"{salt}\0{found.proc.content_digest()}\0"
                             f"{found.revision.model_dump_json()}\0{refs}".encode()).hexdigest()
        name = ARCHIVAL_PDF.format(id=proc.id, revision=last.revision)
        wanted[name] = (cache / f"{key}.pdf", found)
    known = names(cache / REPORTS)
    todo = [(name, found) for name, (path, found) in wanted.items()
            if not path.exists() or path.name not in known]
    cache.mkdir(parents=True, exist_ok=True)
    made: dict[str, Any] = {}
    for (name, _), (pdf, report) in zip(
            todo, in_workers(_render, [found for _, found in todo], jobs=jobs, start=_start,
                             args=(library, project)), strict=True):
        path = wanted[name][0]
        write_atomic(path, pdf)
        made[path.name] = report.to_json()
    keep = {path.name for path, _ in wanted.values()}
    for stale in cache.glob("*.pdf"):
        if stale.name not in keep:
            stale.unlink()
    if made or known != keep:  # written (and read for it) only when it changes
        reports = {**read_index(cache / REPORTS), **made}
        write_index(cache / REPORTS, {k: v for k, v in reports.items() if k in keep})
    return ArchivalPDFs(wanted)


def _salt(library: Library, project: Project) -> str:
    digest = hashlib.sha256(library.handbook.model_dump_json().encode())
    digest.update(json.dumps({k: a.model_dump(mode="json") for k, a in
                              sorted(library.applications.items())}).encode())
    for part in (folder_digest(project.templates / "pdf"),
                 code_digest(RENDERING_MODULES, RENDERING_LIBRARIES), font_version()):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


_WORKER: tuple[Library, Project] | None = None


def _start(library: Library, project: Project) -> None:
    global _WORKER
    _WORKER = library, project


def _render(found: Version) -> tuple[bytes, Report]:
    assert _WORKER is not None
    library, project = _WORKER
    return render_archival(found, library, project)
