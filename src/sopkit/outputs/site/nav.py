"""The site's navigation as typed data: pages and titled sections of them.

:func:`as_mkdocs` turns it into the nested lists and mappings of MkDocs' ``nav``
setting, the only place that knows that shape. Titles are text: they are
HTML-escaped there, because Material's templates put navigation titles into the
page without escaping them (a title such as ``<img src=x onerror=...>`` would
run as script in the navigation of every page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class NavPage:
    """A page in the navigation; without a title, the section's own index page
    (or, at the top, a page titled by its first heading)."""

    path: str
    title: str | None = None


@dataclass(frozen=True)
class NavSection:
    title: str
    children: tuple[NavEntry, ...]


NavEntry = NavPage | NavSection
MkDocsNav = list[str | dict[str, "str | MkDocsNav"]]


def as_mkdocs(entries: Sequence[NavEntry]) -> MkDocsNav:
    """``[NavPage("a.md", "A"), NavSection("B", (...))]`` -> ``[{"A": "a.md"}, {"B": [...]}]``."""
    out: MkDocsNav = []
    for entry in entries:
        if isinstance(entry, NavSection):
            out.append({escape(entry.title): as_mkdocs(entry.children)})
        elif entry.title is None:
            out.append(entry.path)
        else:
            out.append({escape(entry.title): entry.path})
    return out
