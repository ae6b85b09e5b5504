"""Built pages kept from one build to the next, so that a rebuild renders only the
pages whose inputs changed (see :mod:`.generator`, which decides and uses them).

A page's key is a SHA-256 of everything its HTML is made from:

* the build's salt: ``mkdocs.yml``, every file of the theme overrides
  (``custom_dir``), the versions of MkDocs, Material, Python-Markdown, PyMdown
  Extensions and Jinja, and the source of sopkit's generator;
* the navigation: every entry's title and path in order, and the Markdown of
  the pages that have no title of their own there (their title comes from
  the page): Material renders the navigation (hidden or not), the
  breadcrumbs and the page's neighbours into every page;
* the page's path and its Markdown, front matter included.

For each key the cache keeps the page's HTML (``<key>.html``) and, in one
index, where MkDocs writes it and its search index entries. Nothing here knows
MkDocs; a key that is not in the index, or whose file is missing or damaged,
is simply built again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sopkit.outputs.site.nav import NavEntry, NavPage, NavSection, as_mkdocs
from sopkit.outputs.workers import read_index, write_atomic

INDEX = "index.json"
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")
"""Whose versions shape the HTML (their code turns Markdown and templates into pages)."""


@dataclass(frozen=True)
class Stored:
    """A page as the cache keeps it: where it goes in the site and its search entries."""

    dest: str
    entries: list[dict[str, Any]]


def salt(config_file: Path, theme_dir: Path | None, code: Iterable[Path]) -> str:
    """What every page depends on besides the navigation and its own Markdown."""
    digest = hashlib.sha256(config_file.read_bytes())
    if theme_dir is not None and theme_dir.is_dir():
        for path in sorted(theme_dir.rglob("*")):
            if path.is_file():
                digest.update(b"\0" + path.relative_to(theme_dir).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    for name in DISTRIBUTIONS:
        try:
            digest.update(f"\0{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{name}=-".encode())
    for path in code:
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()


def _untitled(entries: Sequence[NavEntry]) -> Iterable[str]:
    for entry in entries:
        if isinstance(entry, NavSection):
            yield from _untitled(entry.children)
        elif isinstance(entry, NavPage) and entry.title is None:
            yield entry.path


def page_keys(docs: Path, pages: Sequence[str], nav: Sequence[NavEntry], salt: str
              ) -> dict[str, str]:
    """The key of each of ``pages`` (docs-relative Markdown paths in ``docs``)."""
    shared = hashlib.sha256(salt.encode())
    shared.update(json.dumps(as_mkdocs(nav), ensure_ascii=False).encode())
    for path in _untitled(nav):
        source = docs / path
        shared.update(b"\0" + path.encode() + b"\0")
        shared.update(source.read_bytes() if source.is_file() else b"-")
    keys = {}
    for page in pages:
        digest = shared.copy()
        digest.update(b"\0" + page.encode() + b"\0")
        digest.update((docs / page).read_bytes())
        keys[page] = digest.hexdigest()
    return keys


@dataclass
class PageCache:
    """The pages of earlier builds in ``folder`` (``build/cache/pages``)."""

    folder: Path
    _index: dict[str, Stored] | None = field(default=None, repr=False)

    @property
    def index(self) -> dict[str, Stored]:
        if self._index is None:
            self._index = {}
            for key, item in read_index(self.folder / INDEX).items():
                try:
                    self._index[key] = Stored(str(item["dest"]), list(item["entries"]))
                except (KeyError, TypeError):
                    continue
        return self._index

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.html"

    def has(self, key: str) -> bool:
        return key in self.index and self.path(key).is_file()

    def get(self, key: str) -> Stored:
        return self.index[key]

    def store(self, key: str, stored: Stored, html: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(key), html)
        self.index[key] = stored

    def keep(self, keys: Mapping[str, str]) -> None:
        """Keep the pages of ``keys`` (page -> key) only, and write the index."""
        wanted = set(keys.values())
        self._index = {key: stored for key, stored in self.index.items() if key in wanted}
        if self.folder.is_dir():
            for path in self.folder.glob("*.html"):
                if path.stem not in wanted:
                    path.unlink(missing_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / INDEX, json.dumps(
            {key: {"dest": s.dest, "entries": s.entries}
             for key, s in sorted(self._index.items())}, ensure_ascii=False).encode())
