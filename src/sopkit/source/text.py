"""The small, safe Markdown subset allowed in procedure text.

Emphasis (``*kursiv*``, ``**fet**``), inline code and links (``[tekst](https://...)``)
are rendered; raw HTML is never passed through, it is shown as text. Links may
only use http, https, mailto or tel, or be a path inside the site.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from markdown_it import MarkdownIt

# Links may go to the web, e-mail, a phone number, or a path inside the site (not
# '//host/...' or '/\\host', which browsers read as another host).
_ALLOWED_LINK = re.compile(r"^(https?:|mailto:|tel:|(?![/\\]{2})[^:]*$)", re.IGNORECASE)
# Text without any of these characters has no markup: the parser would only escape it.
_MARKUP = re.compile(r"[*_`\[\]<>&\\!\n]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["emphasis", "link", "backticks", "escape", "entity", "newline"])
    md.validateLink = lambda url: bool(_ALLOWED_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=4096)
def inline_html(text: str) -> str:
    """Render one text field to safe inline HTML."""
    if not _MARKUP.search(text):
        return text.replace('"', "&quot;").strip()
    return str(_parser().renderInline(text)).strip()


def has_markup(text: str) -> bool:
    """True when ``text`` may hold Markdown markup or line breaks (else it is shown as is)."""
    return _MARKUP.search(text) is not None


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """The words a reader sees: Markdown markup removed, whitespace folded."""
    if not _MARKUP.search(text):
        return normalize(text)
    words = [" " if child.type.endswith("break") else child.content
             for token in _parser().parseInline(text) for child in token.children or []
             if child.type in ("text", "code_inline", "softbreak", "hardbreak")]
    return normalize("".join(words))


def normalize(text: str) -> str:
    """Fold all runs of whitespace (including non-breaking) into one space."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def norwegian_date(value: dt.date | None) -> str:
    """``2022-12-07`` -> ``07.12.2022``; nothing -> empty."""
    return "" if value is None else f"{value:%d.%m.%Y}"
