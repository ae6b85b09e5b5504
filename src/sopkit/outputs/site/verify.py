"""Prove that what the procedure mandates reached the built outputs.

Run after every build, before the new site is published: a page that lost a
step or a mandated phrase fails the build instead of reaching staff.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape
from pathlib import Path

from sopkit.outputs.urls import DRAFT_PAGE, PROCEDURE_PAGE, built
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library
from sopkit.source.model import Procedure
from sopkit.source.text import normalize, plain

_SKIP = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ol|ul|dl|dt|dd|h[1-6]|br|hr|table|tr|td|th|pre|section|article|nav|"
    r"header|footer|aside|details|summary|label|button|input|textarea|select|option)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")


def article(html: str) -> str:
    """The page's main content (Material's ``<article>``), or the whole page."""
    start = html.find("<article")
    end = html.rfind("</article>")
    return html[start:end] if 0 <= start < end else html


def html_text(html: str) -> str:
    """The visible text of HTML: scripts and styles dropped, blocks apart, inline tags joined."""
    return normalize(unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", _SKIP.sub(" ", html)))))


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
