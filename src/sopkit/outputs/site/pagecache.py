"""Built pages kept from one build to the next, so that a rebuild renders only the
pages whose inputs changed (see :mod:`.generator`, which decides and uses them).

A page's key is a SHA-256 of everything its HTML is made from:

* the build's salt: ``mkdocs.yml``, every file of the theme overrides
  (``custom_dir``), the versions of MkDocs, Material, Python-Markdown, PyMdown
  Extensions, Pygments and Jinja and of Python, and the source of sopkit's
  generator and every sopkit module it imports (``urls.py`` names the site's
  stylesheets and scripts);
* the navigation: every entry's title and path in order, the front matter
  fields of every page in it that Material's navigation shows (``title``,
  ``subtitle``, ``icon``, ``status``), and the Markdown of the pages that have
  no title of their own there (their title comes from the page): Material
  renders the navigation (hidden or not), the breadcrumbs and the page's
  neighbours into every page;
* the page's path and its Markdown, front matter included.

Besides its key, a page is taken only while the files its conversion looked up
(a link's target, :attr:`Stored.looked_up`) are there or not as they were
(:func:`still_found`): MkDocs writes a link to a file that is there differently.

A configuration that reads more than ``mkdocs.yml`` (``!ENV``, ``INHERIT``,
snippets, Python names, custom icons, a search dictionary) gets no page cache:
what those read is not in the key; nor does one with a Markdown extension from
a package whose version is not in the key (:func:`keyed`). Other pages' front
matter beyond the four fields is not in a page's key: a theme override that
shows more of it must leave the page cache off (``build/cache/pages`` removed
before each build).

For each key the cache keeps the page's HTML (``<key>.html``, a hard link to the
page as built: every use checks its SHA-256) and, in one index, where MkDocs
writes it, its search index entries and the keys of the conversion records
(:mod:`.convertcache`) it was made with. Nothing here knows MkDocs; a key that
is not in the index, or whose file is missing or damaged, is simply built again.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from sopkit.cachefiles import (
    Stamp,
    code_digest,
    folder_digest,
    link_atomic,
    read_index,
    settled,
    stamp,
    write_index,
)
from sopkit.outputs.site.nav import NavEntry, NavPage, NavSection, as_mkdocs

INDEX = "index.json"
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2",
                 "pygments", "mkdocs-material-extensions", "jieba")
"""Whose versions shape the HTML (their code turns Markdown and templates into pages)."""
MODULES = ("mkdocs", "material", "markdown", "pymdownx", "jinja2", "pygments", "materialx",
           "jieba")
"""The modules of :data:`DISTRIBUTIONS`: code from them, or from Python's standard library,
changes only with a version in the key. A Markdown extension from elsewhere leaves the
page cache off (see :func:`keyed`)."""


def keyed(module: str) -> bool:
    """Whether code of ``module`` changes only with a version in the pages' keys."""
    top = module.partition(".")[0]
    return top in MODULES or top in sys.stdlib_module_names


@dataclass(frozen=True)
class Stored:
    """A page as the cache keeps it: where it goes in the site, its search entries, the
    SHA-256 of its HTML (a damaged file is not used) and the keys of the records of
    :mod:`.convertcache` it was made with (kept as long as the page is)."""

    dest: str
    entries: list[dict[str, Any]]
    sha256: str
    made_with: tuple[str, ...] = ()
    stamp: Stamp | None = None
    """The stamp (:func:`sopkit.cachefiles.stamp`) of the file last found to have
    ``sha256``: the page in the site and in the cache are one file (a hard link), so a
    file with this stamp is taken without reading it again (1600 pages read and
    hashed took 0.4 s of an edit's rebuild)."""
    looked_up: Mapping[str, bool] | None = None
    """The paths among the site's files its conversion looked up (a link's target), and
    whether the docs folder had a file there (a file of the theme is there whatever it
    holds): the page is taken only while each still is or is not (:func:`still_found`).
    ``None`` when they are not known."""
    listing: str | None = None
    """When ``looked_up`` is not known: the digest of every file's path in the docs
    folder (:func:`listing`), which must then be the same."""


_DEST = re.compile(r"(?:[^/\\]+/)*[^/\\]+\.html")


def salt(config_file: Path, theme_dir: Path | None, code: tuple[str, ...]) -> str:
    """What every page depends on besides the navigation and its own Markdown
    (``code``: the sopkit modules that make the pages, see
    :func:`sopkit.cachefiles.code_digest`)."""
    digest = hashlib.sha256(config_file.read_bytes())
    digest.update(folder_digest(theme_dir).encode() if theme_dir is not None else b"-")
    digest.update(code_digest(code, DISTRIBUTIONS).encode())
    return digest.hexdigest()


READS_MORE = re.compile(r"!ENV\b|^INHERIT\s*:|snippets|!!python/name|custom_icons|jieba",
                        re.MULTILINE)
"""What makes MkDocs read inputs other than mkdocs.yml and the docs (see the module)."""


def cacheable(config_text: str) -> bool:
    """Whether a site with this ``mkdocs.yml`` can use the page cache."""
    return READS_MORE.search(config_text) is None


def _nav_pages(entries: Sequence[NavEntry]) -> Iterable[NavPage]:
    for entry in entries:
        if isinstance(entry, NavSection):
            yield from _nav_pages(entry.children)
        else:
            yield entry


NAV_FIELDS = ("title", "subtitle", "icon", "status")
"""The front matter of other pages that Material's navigation shows."""


_PLAIN_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")
"""A top-level key as sopkit's templates write them: unquoted, at the start of a line."""
_FIELD_LINES = re.compile(rf"^(?:{'|'.join(NAV_FIELDS)})[ \t]*:.*(?:\n(?:[ \t#].*|))*",
                          re.MULTILINE)


def _shown_in_nav(source: bytes) -> str:
    """The front matter fields of a page that the navigation of every page shows: the
    lines that give them (a top-level key and the lines under it) when every line at
    the left margin is a plain key; else (quoted or complex keys, flow mappings,
    anchors, aliases, tags, text that goes on at the margin) the fields as YAML reads
    them."""
    text = source.decode("utf-8", errors="replace")
    if not text.startswith("---"):
        return ""
    end = text.find("\n---", 3)
    block = text[3:end] if end >= 0 else ""
    lines = [line for line in block.split("\n") if line.strip() and not line.startswith("#")]
    simple = (not any(mark in block for mark in "&*<!") and bool(lines)
              and not lines[0].startswith((" ", "\t")) and all(
                  _PLAIN_KEY.match(line) for line in lines if not line.startswith((" ", "\t"))))
    if simple:
        return "\n".join(match.group(0) for match in _FIELD_LINES.finditer(block))
    try:
        meta = yaml.load(block, Loader=_Loader)
    except yaml.YAMLError:
        return block  # whatever MkDocs makes of it, it is in the key
    if not isinstance(meta, dict):
        return block
    return json.dumps({k: meta.get(k) for k in NAV_FIELDS if k in meta}, ensure_ascii=False,
                      sort_keys=True, default=str)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def listing(present: Iterable[str]) -> str:
    """The digest of the paths of the files in the docs folder (see :attr:`Stored.listing`)."""
    return hashlib.sha256("\0".join(sorted(present)).encode()).hexdigest()


def still_found(stored: Stored, present: frozenset[str], digest: Callable[[], str]) -> bool:
    """Whether the files ``stored``'s page looked up are there or not as they were, with
    ``present`` the docs-relative paths of the docs folder's files now (``digest``: their
    :func:`listing`, asked only for a page whose lookups are not known). A link's target
    that appears or goes changes the page (it is written out, or left as it was), though
    neither its Markdown nor the navigation changed."""
    if stored.looked_up is not None:
        return all((path in present) == there for path, there in stored.looked_up.items())
    return stored.listing is not None and stored.listing == digest()


def _as_looked_up(found: Any) -> dict[str, bool] | None:
    if isinstance(found, dict) and all(isinstance(path, str) and isinstance(there, bool)
                                       for path, there in found.items()):
        return found
    return None


def _as_stamp(found: Any) -> Stamp | None:
    if (isinstance(found, list) and len(found) == 4
            and all(type(part) is int for part in found)):
        return found[0], found[1], found[2], found[3]
    return None


def page_keys(docs: Path, pages: Sequence[str], nav: Sequence[NavEntry], salt: str
              ) -> dict[str, str]:
    """The key of each of ``pages`` (docs-relative Markdown paths in ``docs``)."""
    sources = {page: (docs / page).read_bytes() for page in pages}
    shared = hashlib.sha256(salt.encode())
    shared.update(json.dumps(as_mkdocs(nav), ensure_ascii=False).encode())
    for entry in _nav_pages(nav):
        source = sources.get(entry.path)
        shared.update(b"\0" + entry.path.encode() + b"\0")
        if source is None:
            shared.update(b"-")
        elif entry.title is None:
            shared.update(source)  # its title comes from the page
        else:
            shared.update(_shown_in_nav(source).encode())
    keys = {}
    for page in pages:
        digest = shared.copy()
        digest.update(b"\0" + page.encode() + b"\0")
        digest.update(sources[page])
        keys[page] = digest.hexdigest()
    return keys


@dataclass(frozen=True)
class Whole:
    """A file found to hold a page whole, and its stamp then (:func:`.cachefiles.stamp`):
    :meth:`unchanged` tells whether it still does (a build uses it a second later)."""

    path: Path
    stamp: Stamp

    def unchanged(self) -> bool:
        return stamp(self.path) == self.stamp


@dataclass
class PageCache:
    """The pages of earlier builds in ``folder`` (``build/cache/pages``)."""

    folder: Path
    _index: dict[str, Stored] | None = field(default=None, repr=False)
    _changed: bool = field(default=False, repr=False)

    @property
    def index(self) -> dict[str, Stored]:
        if self._index is None:
            self._index = {}
            for key, item in read_index(self.folder / INDEX).items():
                try:
                    made_with = item.get("made_with", [])
                    found = item.get("stamp")
                    listed = item.get("listing")
                    stored = Stored(item["dest"], item["entries"], item["sha256"],
                                    tuple(made_with) if isinstance(made_with, list) else (),
                                    _as_stamp(found), _as_looked_up(item.get("looked_up")),
                                    listed if isinstance(listed, str) else None)
                except (AttributeError, KeyError, TypeError):
                    continue
                if (isinstance(stored.dest, str) and _DEST.fullmatch(stored.dest)
                        and ".." not in stored.dest.split("/")
                        and isinstance(stored.entries, list)
                        and all(isinstance(e, dict) for e in stored.entries)
                        and isinstance(stored.sha256, str)
                        and all(isinstance(key, str) for key in stored.made_with)):
                    self._index[key] = stored
        return self._index

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.html"

    def source(self, key: str, previous: Path | None = None) -> Whole | None:
        """Where the page of ``key`` can be taken from whole (its bytes are checked): the
        site being replaced (``previous``) when it has the page, else the cache; ``None``
        when neither has it. The old site's file is tried first: most often it is the
        one put into the new site (see :func:`sopkit.outputs.workers.place`)."""
        stored = self.index.get(key)
        if stored is None:
            return None
        places = [previous / stored.dest] if previous is not None else []
        found = [(path, stamp(path)) for path in [*places, self.path(key)]]
        # The old site's page is tried first, also when only its bytes can tell (of its
        # size, when a stamp is kept): it is linked into the new site, where the cache's
        # file is copied. A site the cache's files are not one with (``sopkit serve``'s
        # preview, after ``sopkit build`` put them in site/) got a copy of every page on
        # every rebuild (1631 pages: 1.8-2.6 s of each save); now once, then its own.
        for path, before in found:
            if before is None:
                continue
            if before == stored.stamp:  # the file last found whole: not read again
                return Whole(path, before)
            if ((stored.stamp is None or before[2] == stored.stamp[2])
                    and self._whole(path, before, key)):
                return Whole(path, before)
        return None

    def _whole(self, path: Path, before: Stamp, key: str) -> bool:
        """Whether ``path`` (with the stamp ``before``) holds the page of ``key`` whole; if
        so, its stamp is kept for the next build (once settled)."""
        stored = self.index[key]
        try:
            same = hashlib.sha256(path.read_bytes()).hexdigest() == stored.sha256
        except OSError:
            return False
        if not same or stamp(path) != before:
            return False
        if settled(before):
            self.index[key] = replace(stored, stamp=before)
            self._changed = True
        return True

    def get(self, key: str) -> Stored:
        return self.index[key]

    def store(self, key: str, stored: Stored, source: Path) -> None:
        """Keep the page of ``key``: ``source`` is its file in the site being built.

        The cache's copy is a hard link to it (1600 pages copied took a second): a page
        later changed in place in the published site changes it too, but a copy is
        used only while it has the SHA-256 ``stored`` gives (:meth:`source`), so such a
        page is rendered again."""
        self.folder.mkdir(parents=True, exist_ok=True)
        link_atomic(source, self.path(key))
        self.index[key] = stored
        self._changed = True

    def keep(self, keys: Mapping[str, str]) -> None:
        """Keep the pages of ``keys`` (page -> key) only, and write the index (if it
        changed: 1600 pages' search entries are 4 MB)."""
        wanted = set(keys.values())
        before = len(self.index)
        self._index = {key: stored for key, stored in self.index.items() if key in wanted}
        if self.folder.is_dir():
            for path in self.folder.glob("*.html"):
                if path.stem not in wanted:
                    path.unlink(missing_ok=True)
        if not self._changed and len(self._index) == before and (self.folder / INDEX).is_file():
            return
        self._changed = False
        write_index(self.folder / INDEX, {
            key: {"dest": s.dest, "entries": s.entries, "sha256": s.sha256,
                  "made_with": list(s.made_with), "stamp": s.stamp,
                  "looked_up": None if s.looked_up is None else dict(s.looked_up),
                  "listing": s.listing}
            for key, s in self._index.items()})
