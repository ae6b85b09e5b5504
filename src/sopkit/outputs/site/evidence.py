"""The site's page "Kontroll av dokumentene": the evidence of the verifiers, for audits.

The page is built by MkDocs like any other (``kontroll.md``, left out of
search) with a place for the evidence; the evidence lists the built files'
checksums, so it is put in only after the build, before the site is
published (:func:`fill_evidence`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sopkit.cachefiles import write_atomic
from sopkit.outputs.evidence import Report
from sopkit.outputs.templates import render
from sopkit.outputs.urls import EVIDENCE_PAGE, built
from sopkit.source.errors import SopkitError

PAGE_TEMPLATE = "site/evidence.md.j2"
TABLE_TEMPLATE = "site/_evidence.html.j2"
MARK = '<div id="sop-evidence"></div>'
LABELS = {
    "page": "Side", "draft page": "Utkastside", "card A4": "Veggkort A4",
    "card A5": "Veggkort A5", "ticket on the page": "Saksmelding på siden",
    "ticket composer": "Saksmelding, utfylling", "ticket on the command line":
    "Saksmelding, kommandolinjen", "archival PDF": "Arkiveksemplar (PDF)",
}
KINDS = {"step": ("trinn", "trinn"), "phrase": ("formulering", "formuleringer"),
         "identity": ("kjennetegn", "kjennetegn"), "ticket": ("saksfelt", "saksfelt"),
         "figure": ("figur", "figurer"), "attachment": ("vedlegg", "vedlegg")}


def evidence_page(templates: Path) -> dict[str, str]:
    return {EVIDENCE_PAGE: render(templates, PAGE_TEMPLATE)}


def label(artefact: str) -> str:
    if artefact.startswith("revision ") and artefact.endswith(" page"):
        return f"Arkivert tekst, revisjon {artefact.split()[1]}"
    return LABELS.get(artefact, artefact)


def counts(report: Report) -> str:
    """'7 trinn, 14 formuleringer, 3 kjennetegn'."""
    numbers: dict[str, int] = {}
    for check in report.checks:
        numbers[check.item.kind] = numbers.get(check.item.kind, 0) + 1
    return ", ".join(f"{n} {KINDS[kind][n != 1]}" for kind, n in numbers.items())


def fill_evidence(site: Path, templates: Path, reports: Sequence[Report], built_on: dt.date
                  ) -> None:
    """Put the evidence table into the built page."""
    path = site / built(EVIDENCE_PAGE)
    page = path.read_text(encoding="utf-8")
    if page.count(MARK) != 1:
        raise SopkitError(f"templates/{PAGE_TEMPLATE} must hold {MARK} once, where the "
                          "evidence goes")
    table = render(templates, TABLE_TEMPLATE, rows=list(reports), built=built_on,
                   labels={r.artefact: label(r.artefact) for r in reports}, counts=counts)
    # A new file, not this one rewritten: the page cache keeps this one (a hard link).
    write_atomic(path, page.replace(MARK, table).encode("utf-8"))
