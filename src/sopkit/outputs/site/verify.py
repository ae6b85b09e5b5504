"""Prove that what the procedure mandates reached the built outputs.

Run after every build, before the new site is published: a page that lost a
step or a mandated phrase fails the build instead of reaching staff.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sopkit.outputs.htmltext import article, html_text
from sopkit.outputs.urls import DRAFT_PAGE, PROCEDURE_PAGE, built
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.text import normalize, plain


def required_texts(proc: Procedure) -> list[str]:
    """What every full rendering of a procedure must contain, as plain text."""
    return [
        *(normalize(p) for p in proc.mandated_phrases),
        *(plain(step.text) for step in proc.steps()),
    ]


def missing_from(text: str, proc: Procedure) -> list[str]:
    return [item for item in required_texts(proc) if item not in text]


def verify_site(library: Library, site: Path,
                drafts: Mapping[str, Procedure] | None = None) -> None:
    """Every procedure page (and draft page) shows every step and mandated phrase."""
    pages = [(PROCEDURE_PAGE.format(id=p.id), p) for p in library.procedures]
    pages += [(DRAFT_PAGE.format(id=doc_id), p) for doc_id, p in (drafts or {}).items()]
    problems = []
    for name, proc in pages:
        page = site / built(name)
        if not page.is_file():
            problems.append(f"{proc.id}: page {page.name} was not written")
            continue
        for item in missing_from(html_text(article(page.read_text(encoding="utf-8"))), proc):
            problems.append(f"{proc.id}: '{item}' is missing from {page.relative_to(site)}")
    if problems:
        raise SopkitError("the built site lost mandated text:\n  " + "\n  ".join(problems)
                          + "\n    hint: a template in templates/site/ drops this text")
