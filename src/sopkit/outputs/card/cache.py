"""Wall cards: a one-page PDF per procedure and size, cached and rendered in parallel.

:func:`render_cards` looks up every card in a cache keyed on the procedure's
content, the card templates, the font, the code that renders it (every sopkit
module the card modules import, found by reading their imports) and the
versions of the libraries it uses, and the site address: not the date, so an
unchanged card is never rendered again. The cards that are not there
are built, checked and rendered on ``jobs`` worker processes that each keep
one WeasyPrint renderer (one layout per procedure serves A4 and A5). Only
when every card is made are the PDFs written to the output folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopkit.cachefiles import (
    code_digest,
    code_files,
    folder_digest,
    read_index,
    write_atomic,
    write_index,
)
from sopkit.outputs.card.content import card_document
from sopkit.outputs.card.paper import PAPER
from sopkit.outputs.card.verify import HINT as CARD_HINT
from sopkit.outputs.card.verify import verify_card
from sopkit.outputs.evidence import MissingText, Report, raise_on_missing
from sopkit.outputs.pdf import font_version
from sopkit.outputs.reportcache import kept_reports, names
from sopkit.outputs.site.config import site_url
from sopkit.outputs.urls import CARD_PDF
from sopkit.outputs.workers import Stamps, in_workers, place
from sopkit.source.errors import ContentError, Finding, SopkitError
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.project import Project

if TYPE_CHECKING:
    from sopkit.outputs.card.layout import CardRenderer

CARD_DIR = "card"  # templates/card/: the card template, stylesheet and anything they use
# The modules that make a card from a procedure; they and every sopkit module they
# import shape its HTML or PDF: a change to any of them renders every card again.
RENDERING_MODULES = ("sopkit.outputs.card.content", "sopkit.outputs.card.layout",
                     "sopkit.outputs.card.verify")
# The distributions whose code shapes a card (their versions are in the key).
RENDERING_LIBRARIES = ("weasyprint", "pydyf", "jinja2", "markupsafe", "markdown-it-py", "segno",
                       "fontpkg-inter", "fonttools", "pdfminer.six", "selectolax", "cssselect2",
                       "tinycss2")


SIZES = tuple(PAPER)  # A4, A5


Rendered = dict[str, tuple[bytes, Report]]
"""Size -> the card's PDF and the report of its check."""


@dataclass(frozen=True)
class CardJob:
    """The cards of one procedure to render, in the sizes not in the cache."""

    proc: Procedure
    sizes: tuple[str, ...]


@dataclass(frozen=True)
class Setting:
    """What every card of a build shares: where the project is and the site's address."""

    project: Project
    site: str

    def render(self, job: CardJob, renderer: CardRenderer) -> Rendered:
        """Each size's PDF, and its report: checked from the PDF (or :class:`SopkitError`)."""
        html = card_document(job.proc, self.project, site=self.site)
        pdfs = renderer.render(html, job.sizes, job.proc.id)
        rendered: Rendered = {}
        for size in sorted(pdfs):  # A4 first: the A5 card is its drawing, reduced
            a4 = rendered.get("A4")
            rendered[size] = pdfs[size], verify_card(
                job.proc, size, pdfs[size],
                reduced_from=(pdfs["A4"], a4[1]) if size == "A5" and a4 else None)
        raise_on_missing([report for _, report in rendered.values()], CARD_HINT)
        return rendered

    def try_render(self, job: CardJob, renderer: CardRenderer) -> Rendered | ContentError:
        """The PDFs, or what in the procedure's content keeps its card from being made
        (returned, so that one run reports every card's problems)."""
        try:
            return self.render(job, renderer)
        except ContentError as exc:
            return exc
        except MissingText as exc:  # located like the rest, so that check lists them all
            return ContentError([Finding(job.proc.id, (), f"{report.artefact}: missing "
                                         f"{item.label()}", exc.hint)
                                 for report in exc.reports for item in report.missing])


def render_card(proc: Procedure, library: Library, project: Project, size: str) -> bytes:
    """``proc``'s wall card in ``size`` (A4 or A5) as one page of PDF."""
    if size not in SIZES:
        raise SopkitError(f"{proc.id}: card size must be one of {', '.join(SIZES)}, not {size!r}")
    setting = Setting(project, site_url(project))
    return setting.render(CardJob(proc, (size,)), _renderer(project))[size][0]


def render_cards(library: Library, project: Project, out_dir: Path, *, jobs: int = 2,
                 cache_dir: Path | None = None) -> list[Path]:
    """Write ``out_dir/kort/{id}-{size}.pdf`` for every current procedure with a card.

    Obsolete procedures get no card, and PDFs left in ``out_dir/kort/`` from
    cards that no longer exist are removed. Returns the paths written; nothing
    is written there unless every card could be made.
    """
    cached = prepare_cards(library, project, jobs=jobs, cache_dir=cache_dir)
    return place_cards(cached, out_dir)


class CachedCards(dict[tuple[str, str], Path]):
    """(ID, size) -> the cached PDF of every card; ``rendered``: how many were made
    now (the others were in the cache)."""

    rendered: int = 0


def prepare_cards(library: Library, project: Project, *, jobs: int = 2,
                  cache_dir: Path | None = None, prune: bool = True) -> CachedCards:
    """Render the cards missing from the cache; (ID, size) -> the cached PDF of every card.

    A card that cannot be made from its procedure's content does not stop the
    others: :class:`ContentError` lists the findings of all of them at the end.
    With ``prune`` the cache keeps only the cards asked for last, so it does not
    grow (a check of some cards leaves the others).
    """
    cache = cache_dir or project.build / "cache" / "cards"
    setting = Setting(project, site_url(project))
    salt = render_salt(setting)
    wanted: dict[tuple[str, str], Path] = {
        (proc.id, size): cache / f"{card_key(proc, size, salt)}.pdf"
        for proc in library.current() if proc.card is not None for size in proc.card.sizes}
    missing: dict[str, list[str]] = {}
    for (doc_id, size), cached in wanted.items():
        if not cached.exists():
            missing.setdefault(doc_id, []).append(size)
    procs = {proc.id: proc for proc in library.procedures}
    todo = [CardJob(procs[doc_id], tuple(sizes)) for doc_id, sizes in missing.items()]

    cache.mkdir(parents=True, exist_ok=True)
    findings: list[Finding] = []
    made: dict[str, Any] = {}
    for job, pdfs in zip(todo, _render_all(todo, setting, jobs), strict=True):
        if isinstance(pdfs, ContentError):
            findings += pdfs.findings
            continue
        for size, (pdf, report) in pdfs.items():  # into the cache as they come
            write_atomic(wanted[job.proc.id, size], pdf)
            made[wanted[job.proc.id, size].name] = report.to_json()
    keep = {path.name for path in wanted.values()}
    if prune:
        _prune(cache.glob("*.pdf"), keep=set(wanted.values()))
    # The index is written (and read for it) only when it changes: cards were made, or
    # it holds others that the cache no longer keeps.
    if made or (prune and names(cache / REPORTS) != keep):
        reports = {**read_index(cache / REPORTS), **made}
        write_index(cache / REPORTS, {name: report for name, report in reports.items()
                                      if not prune or name in keep})
    if findings:
        raise ContentError(findings)
    cards = CachedCards(wanted)
    cards.rendered = sum(len(job.sizes) for job in todo)
    return cards


def card_reports(cached: dict[tuple[str, str], Path], library: Library) -> list[Report]:
    """The reports of the cards :func:`prepare_cards` gave, kept in the cache with them
    (a card cached without one is read and checked again now)."""
    if not cached:
        return []
    cache = next(iter(cached.values())).parent
    known = kept_reports(cache / REPORTS)  # after MkDocs: not decoded while it runs
    reports, checked = [], {}
    for (doc_id, size), path in cached.items():
        report = known.get(path.name)
        if report is None:
            report = verify_card(library.get(doc_id), size, path.read_bytes())
            checked[path.name] = report.to_json()
        reports.append(report)
    if checked:
        write_index(cache / REPORTS, {**read_index(cache / REPORTS), **checked})
    return reports


REPORTS = "reports.json"
"""In the card cache: each cached card's report, by the card's file name."""


def place_cards(cached: dict[tuple[str, str], Path], out_dir: Path, *,
                previous: Path | None = None, stamps: Stamps | None = None) -> list[Path]:
    """Put the cached cards at ``out_dir/kort/{id}-{size}.pdf`` (:func:`place`); remove
    cards no longer made."""
    written = place({CARD_PDF.format(id=doc_id, size=size): source
                     for (doc_id, size), source in cached.items()}, out_dir, previous=previous,
                    stamps=stamps)
    _prune(_old_cards(out_dir), keep=set(written))
    return written


def render_salt(setting: Setting) -> str:
    """Everything besides the procedure that shapes its cards, as one digest.

    The card templates (all of templates/card/), the code that turns them into
    PDF (:func:`rendering_code`), the font, the libraries' versions, the site
    address (the QR code's).
    """
    parts = (setting.site, folder_digest(setting.project.templates / CARD_DIR),
             code_digest(RENDERING_MODULES, RENDERING_LIBRARIES), font_version())
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def rendering_code() -> tuple[Path, ...]:
    """The source files of :data:`RENDERING_MODULES` and every sopkit module they import."""
    return code_files(RENDERING_MODULES)


def card_key(proc: Procedure, size: str, salt: str) -> str:
    """The cache key of one card: the procedure's content, the size and the salt."""
    content = proc.content_digest().encode()
    return hashlib.sha256(salt.encode() + b"\0" + size.encode() + b"\0" + content).hexdigest()


# ---------------------------------------------------------------- rendering


_RENDERERS: dict[Path, CardRenderer] = {}


def _renderer(project: Project) -> CardRenderer:
    """This process's renderer for a project (one FontConfiguration, reused)."""
    from sopkit.outputs.card.layout import CardRenderer  # WeasyPrint: only when rendering

    root = project.root.resolve()
    if root not in _RENDERERS:
        _RENDERERS[root] = CardRenderer(root, project.templates.resolve() / CARD_DIR)
    return _RENDERERS[root]


def _render_all(todo: list[CardJob], setting: Setting, jobs: int
                ) -> Iterator[Rendered | ContentError]:
    """PDFs for ``todo``, in order; in worker processes when that pays off."""
    return in_workers(_render_in_worker, todo, jobs=jobs, start=_start_worker, args=(setting,))


_WORKER: tuple[Setting, CardRenderer] | None = None


def _start_worker(setting: Setting) -> None:
    global _WORKER
    _WORKER = setting, _renderer(setting.project)


def _render_in_worker(job: CardJob) -> Rendered | ContentError:
    assert _WORKER is not None
    setting, renderer = _WORKER
    return setting.try_render(job, renderer)


# ---------------------------------------------------------------- files


def _old_cards(out_dir: Path) -> Iterable[Path]:
    folder = out_dir / Path(CARD_PDF).parent
    return (p for p in folder.glob("*.pdf") if p.stem.rsplit("-", 1)[-1] in SIZES)


def _prune(paths: Iterable[Path], keep: set[Path]) -> None:
    for path in list(paths):
        if path not in keep:
            path.unlink()
