"""Prove that what the procedure mandates reached the built outputs.

Run after every build, before the new site is published: a page that lost a
step or a mandated phrase fails the build instead of reaching staff.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from .errors import SopkitError
from .library import Library
from .model import Procedure
from .render import PROCEDURE_PAGE
from .textfmt import normalize, plain


class _Text(HTMLParser):
    """The visible text of an HTML document (scripts and styles left out)."""

    _SKIP = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def article(html: str) -> str:
    """The page's main content (Material's ``<article>``), or the whole page."""
    start = html.find("<article")
    end = html.rfind("</article>")
    return html[start:end] if 0 <= start < end else html


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return normalize(" ".join(parser.parts))


def required_texts(proc: Procedure) -> list[str]:
    """What every full rendering of a procedure must contain, as plain text."""
    return [
        *(normalize(p) for p in proc.mandated_phrases),
        *(plain(step.text) for step in proc.steps()),
    ]


def missing_from(text: str, proc: Procedure) -> list[str]:
    return [item for item in required_texts(proc) if item not in text]


def verify_site(library: Library, site: Path) -> None:
    problems = []
    for proc in library.procedures:
        page = site / PROCEDURE_PAGE.format(id=proc.id).replace(".md", ".html")
        if not page.is_file():
            problems.append(f"{proc.id}: page {page.name} was not written")
            continue
        for item in missing_from(html_text(article(page.read_text(encoding="utf-8"))), proc):
            problems.append(f"{proc.id}: '{item}' is missing from {page.relative_to(site)}")
    if problems:
        raise SopkitError("the built site lost mandated text:\n  " + "\n  ".join(problems)
                          + "\n    hint: a template in templates/site/ drops this text")
