"""Strict Jinja rendering of the templates in ``templates/``.

``StrictUndefined`` turns a misspelt variable into an error instead of an empty
string; HTML (and Markdown pages, which embed HTML) are autoescaped, plain text
(``.txt``) is not. Filters format dates the Norwegian way and render the safe
Markdown subset of procedure text.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .model import NOTE_LABELS, SECTION_TITLES, STATUS_LABELS
from .textfmt import inline_html, plain

# Pages and ticket links use these paths (relative to the site root) everywhere.
PROCEDURE_PAGE = "dokumenter/{id}.md"
DRAFT_PAGE = "utkast/{id}.md"
CARD_PDF = "kort/{id}-{size}.pdf"


def href(from_page: str, to: str) -> str:
    """A relative link from one docs page to another page's ``.html`` (or an asset)."""
    target = (to.removesuffix(".md") + ".html" if to.endswith(".md") else to).split("/")
    start = [part for part in posixpath.dirname(from_page).split("/") if part]
    common = 0
    while common < min(len(start), len(target) - 1) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def norwegian_date(value: dt.date | None) -> str:
    """``2022-12-07`` -> ``07.12.2022``; nothing -> empty."""
    return "" if value is None else f"{value:%d.%m.%Y}"


def markdown_inline(text: str | None) -> Markup:
    """Procedure text as safe inline HTML (raw HTML in it is shown as text)."""
    return Markup(inline_html(text or ""))  # inline_html escapes all raw HTML


def _autoescape(name: str | None) -> bool:
    """Escape HTML and Markdown templates (``x.html.j2``, ``x.md.j2``); not plain text."""
    base = (name or "").removesuffix(".j2")
    return base.endswith((".html", ".md", ".xml", ".svg"))


@lru_cache(maxsize=8)
def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date=norwegian_date, md=markdown_inline, plain=plain,
    )
    env.globals.update(
        section_titles=SECTION_TITLES, status_labels=STATUS_LABELS, note_labels=NOTE_LABELS,
        procedure_page=PROCEDURE_PAGE, card_pdf=CARD_PDF,
    )
    return env


def render(templates: Path, name: str, **context: object) -> str:
    return environment(templates).get_template(name).render(**context)
