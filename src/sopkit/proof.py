"""Every verifier over a built site: the proof that each output shows what its
procedure mandates (:mod:`sopkit.outputs.evidence`).

The build runs it on the new site before publishing it (cards' reports come
from the card cache, checked when they were rendered); ``sopkit verify`` runs
it on the published site, reads every card's PDF again, and also renders and
checks the archival PDF of every revision in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sopkit.outputs.archival.document import render_archival
from sopkit.outputs.card.verify import verify_card
from sopkit.outputs.evidence import Report
from sopkit.outputs.site.quality import archived_texts
from sopkit.outputs.site.verify import verify_site
from sopkit.outputs.ticket.verify import verify_tickets
from sopkit.outputs.urls import ASSETS, CARD_PDF
from sopkit.quality.history import History
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.project import Project

HINT = ("a template or stylesheet in templates/ drops or hides this text; the previous site "
        "stays published")


def verify_outputs(library: Library, published: Library, drafts: dict[str, Procedure],
                   history: History, project: Project, site: Path, *,
                   cards: Sequence[Report] | None = None, archival: bool = False
                   ) -> list[Report]:
    """The reports of every artefact of every procedure in ``site``, by procedure.

    ``published`` holds the texts in force, ``drafts`` the drafts under way
    (:func:`sopkit.quality.history.in_force`). ``cards``: the cards' reports if
    known (else each card PDF in the site is read); ``archival``: render and
    check the archival PDF of each revision in force too.
    """
    stylesheets = sorted((project.templates / ASSETS / "stylesheets").glob("*.css"))
    reports = verify_site(published, site, drafts, archived_texts(library, history),
                          stylesheets, cache=project.build / "cache" / "page-checks.json")
    reports += verify_tickets(published, project, site)
    if cards is None:
        cards = [verify_card(proc, size, (site / CARD_PDF.format(id=proc.id, size=size))
                             .read_bytes() if (site / CARD_PDF.format(
                                 id=proc.id, size=size)).is_file() else b"")
                 for proc in published.current() if proc.card is not None
                 for size in proc.card.sizes]
    reports += cards
    if archival:
        for proc in published.current():
            last = proc.last_approved
            if last is None:
                continue
            version = history.version(proc.id, last.revision)
            reports.append(render_archival(version, library, project)[1])
    order = {proc.id: index for index, proc in enumerate(library.procedures)}
    return sorted(reports, key=lambda r: order.get(r.doc_id, len(order)))
