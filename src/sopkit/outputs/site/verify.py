"""Prove that what each procedure mandates reached its pages in the built site.

Run after MkDocs, before the new site is published. Each page is read as a
reader gets it: the ``<article>`` through an HTML parser, leaving out what is
hidden (``hidden``, ``aria-hidden``, ``<template>``, scripts, styles, classes
the site's own stylesheets hide). It must show every item
:mod:`sopkit.source.expected` derives from the YAML: every step's text, every
mandated phrase, the DokumentID, the revision and Gyldig til. Checked: the
procedure pages (the texts in force), the draft pages and the archived texts
of superseded revisions. Change pages show differences, not a text, and are
not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from sopkit.outputs.evidence import Report, check
from sopkit.outputs.htmltext import article, hidden_classes, html_text
from sopkit.outputs.urls import DRAFT_PAGE, PROCEDURE_PAGE, built
from sopkit.source.expected import full_text
from sopkit.source.library import Library
from sopkit.source.model import Procedure

HINT = ("a template in templates/site/, or a rule in the site's stylesheets, drops or hides "
        "this text")


def verify_site(library: Library, site: Path, drafts: Mapping[str, Procedure] | None = None,
                archived: Mapping[str, Procedure] | None = None,
                stylesheets: Iterable[Path] = ()) -> list[Report]:
    """Check every procedure page (texts in force), draft page and archived text
    (``archived``: docs page -> the revision's text) in ``site``."""
    hidden = hidden_classes(stylesheets)
    pages = [("page", PROCEDURE_PAGE.format(id=p.id), p) for p in library.procedures]
    pages += [("draft page", DRAFT_PAGE.format(id=doc_id), p)
              for doc_id, p in (drafts or {}).items()]
    pages += [(f"revision {p.current.revision} page", page, p)
              for page, p in (archived or {}).items()]
    reports = []
    for artefact, page, proc in pages:
        path = site / built(page)
        data = path.read_bytes() if path.is_file() else b""
        text = html_text(article(data.decode("utf-8")), hidden) if data else ""
        reports.append(check(proc.id, artefact, built(page), data, text, full_text(proc)))
    return reports
