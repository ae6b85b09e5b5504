"""Every verifier over a built site: the proof that each output shows what its
procedure mandates (:mod:`sopkit.outputs.evidence`).

The build runs it on the new site before publishing it (the PDFs' reports come
from their caches, checked when they were rendered); ``sopkit verify`` runs it
on the published site and reads every wall card and archival PDF again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sopkit.outputs.archival.verify import verify_archival
from sopkit.outputs.card.verify import verify_card
from sopkit.outputs.evidence import Report
from sopkit.outputs.htmltext import hidden_rules
from sopkit.outputs.site.config import theme_dir
from sopkit.outputs.site.quality import archived_texts
from sopkit.outputs.site.verify import verify_site
from sopkit.outputs.ticket.verify import verify_tickets
from sopkit.outputs.urls import ARCHIVAL_PDF, ASSETS, CARD_PDF
from sopkit.quality.history import History
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.project import Project

HINT = ("a template or stylesheet in templates/ drops or hides this text; the previous site "
        "stays published")


def verify_outputs(library: Library, published: Library, drafts: dict[str, Procedure],
                   history: History, project: Project, site: Path, *,
                   cards: Sequence[Report] | None = None,
                   archival: Sequence[Report] | None = None, jobs: int = 2) -> list[Report]:
    """The reports of every artefact of every procedure in ``site``, by procedure.

    ``published`` holds the texts in force, ``drafts`` the drafts under way
    (:func:`sopkit.quality.history.in_force`). ``cards`` and ``archival``: the
    reports of the wall cards and archival PDFs if known (else each PDF in the
    site is read). ``jobs``: the most processes that read pages together.
    """
    stylesheets = site_stylesheets(project)
    reports = verify_site(published, site, drafts, archived_texts(library, history),
                          stylesheets, cache=project.build / "cache" / "page-checks.json",
                          jobs=jobs)
    reports += verify_tickets(published, project, site, hidden_rules(stylesheets))
    if cards is None:
        cards = [verify_card(proc, size, _read(site / CARD_PDF.format(id=proc.id, size=size)))
                 for proc in published.current() if proc.card is not None
                 for size in proc.card.sizes]
    reports += cards
    if archival is None:
        archival = []
        for proc in published.current():
            last = proc.last_approved
            if last is not None:
                name = ARCHIVAL_PDF.format(id=proc.id, revision=last.revision)
                archival.append(verify_archival(history.version(proc.id, last.revision).proc,
                                                _read(site / name), name))
    reports += archival
    order = {proc.id: index for index, proc in enumerate(library.procedures)}
    return sorted(reports, key=lambda r: order.get(r.doc_id, len(order)))


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def site_stylesheets(project: Project) -> list[Path]:
    """The site's own stylesheets, which the proof reads: every ``.css`` file under
    ``templates/assets/`` (the pages link those in ``stylesheets/``, and ``extra_css``
    in ``mkdocs.yml`` may link any) and under the theme's folder of overrides
    (``theme.custom_dir``, whose files the site holds too)."""
    folders = [project.templates / ASSETS, theme_dir(project)]
    return sorted({path for folder in folders if folder is not None and folder.is_dir()
                   for path in folder.rglob("*.css")})
