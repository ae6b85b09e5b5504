"""The site generator: the one module that knows how MkDocs + Material is run.

:func:`mkdocs_build` builds a staging docs folder into a site folder. Keeping
every MkDocs call here means the generator can be swapped (see the design
notes on MkDocs 2.0 and Zensical).

On more than one core a large site is built in shares: every process runs
the same MkDocs build (same configuration, navigation and page list) but
renders only its share of the pages; the others go through MkDocs without a
template, so that the navigation and previous/next links are those of the
whole site. (A page whose title is neither in the navigation nor in its front
matter is still converted from Markdown everywhere: its title comes from its
first heading.) The first process then takes the search index entries of the
other shares, in page order, before the search plugin writes the index, and
the pages of the other shares are moved into its site. Tests check that
every file comes out byte for byte as from one process.

One process builds everything when the configuration has plugins other than
search and offline (they might gather data from every page), or asks for
anchor links to be checked (``validation: anchors:`` above ``info``): an
anchor on a page of another share is not known.

Incremental builds use the same mechanism: a page whose key is in the page
cache (:mod:`.pagecache`: its Markdown, the navigation, the theme, mkdocs.yml
and the versions) is rendered by no process; its HTML is put into the site
from the cache and its search entries into the index. Only the pages that
changed are rendered, by one process unless there are many. A page that is
rendered again is not converted from Markdown again, nor indexed for search
again, when :mod:`.convertcache` has the result under a key of everything it
is made from (:class:`_Converter`): a change every page shows but their
Markdown does not (``site_name``, a theme template) only puts pages together.

MkDocs and Material internals used here (``tests/test_mkdocs_internals.py``
fails by name when a pinned version changes one):

* ``config._current_page``: which page a template is asked for (MkDocs sets it
  in ``_build_page``), to give the pages of other shares an empty template;
* MkDocs writes no file for empty output (``if output.strip()``);
* ``Page.render(config, files)``, replaced to skip converting a page or to
  take its conversion from the cache: what it sets (``content``, ``toc`` as
  made by ``mkdocs.structure.toc.get_toc``, ``_title_from_render``,
  ``present_anchor_ids``, ``links_to_anchors``) and what it reads (the page's
  Markdown and file, the files, ``markdown_extensions``, ``mdx_configs``,
  ``validation``, ``use_directory_urls``, its logger's level), that it reaches the
  site's files by ``Files.get_file_from_path`` only (given a recording stand-in
  for ``files``) and reads a file's ``src_uri``, ``dest_uri``, ``url`` and
  ``inclusion``, and ``File.src_dir`` (the docs folder for its files, not for the
  theme's); and ``"title" in vars(page)`` to tell a page titled by its front
  matter or the navigation;
* ``config.theme.static_templates``, emptied in the other shares;
* that nothing reads a page's ``markdown`` or ``content`` after ``on_post_page``
  (emptied then, for memory) and that ``Page.title`` reads the Markdown only when
  one of them is ``None``;
* Material's ``SearchPlugin.search_index.entries``, a list filled in
  ``on_page_context`` and written in ``on_post_build`` (sopkit's hooks run after
  and before it), its ``add_entry_from_context(page)``, which adds a page's
  entries from its content, table of contents, address, title and front matter
  (replaced to take them from the cache), and its offline plugin's
  ``search/search_index.js``;
* Material's search worker, ``assets/javascripts/workers/search.*.min.js``
  (:func:`theme_files`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sopkit.cachefiles import code_digest
from sopkit.outputs.logs import warnings_logged
from sopkit.outputs.site.convertcache import ConvertCache
from sopkit.outputs.site.nav import NavEntry, as_mkdocs
from sopkit.outputs.site.pagecache import (
    DISTRIBUTIONS,
    PageCache,
    Stored,
    Whole,
    cacheable,
    keyed,
    listing,
    page_keys,
    salt,
    still_found,
)
from sopkit.outputs.urls import SITE_CSS, SITE_JS
from sopkit.outputs.workers import SPAWN, put
from sopkit.source.errors import SopkitError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

SearchEntries = dict[str, list[dict[str, Any]]]
"""Search index entries by page (docs-relative source path)."""


SHARDS = 2
"""Processes that build a large site together (fewer on fewer cores)."""
SHARD_MIN_PAGES = 200
"""A site with fewer pages is built by one process: starting another (about a
second) would cost more than it saves."""


def shard_count(pages: int) -> int:
    """How many processes build a site of ``pages`` pages."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 1 if pages < SHARD_MIN_PAGES else max(1, min(SHARDS, cores or 1))


class Processes:
    """The other MkDocs processes of a build, started ahead (as a context manager)
    so that their start-up, about a second of importing MkDocs and Material,
    overlaps sopkit's own work. ``count`` includes this process."""

    def __init__(self, count: int) -> None:
        self.count = max(1, count)
        self.pool: ProcessPoolExecutor | None = None
        if self.count > 1:
            self.pool = ProcessPoolExecutor(self.count - 1, mp_context=SPAWN,
                                            initializer=_import_mkdocs)
            for _ in range(self.count - 1):
                self.pool.submit(int)  # starts a process now, not at the first build

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the processes (they hold their share of the site's pages: the rest of a
        build needs their memory more)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool, self.count = None, 1


_WORKERS = "assets/javascripts/workers"
SEARCH_STEMMING_JS = "assets/javascripts/search-stemming.js"


def theme_files() -> dict[str, str]:
    """Files sopkit adds beside Material's assets: docs-relative path -> text.

    A search worker that loads Material's own and then sopkit's
    ``search-stemming.js`` (Norwegian word forms). It is named like Material's
    (``workers/search.<hash>.min.js`` -> ``workers/sopkit-search.<hash>.min.js``),
    so that ``templates/overrides/main.html`` can point the page's configuration
    at it by replacing the name. Material internals used: the worker's folder and
    name, and that the page's ``__config`` names it. If they change, the wrapper
    is not found here or not used there, and the search tests fail.
    """
    import material

    workers = Path(material.__file__).parent / "templates" / _WORKERS
    found = sorted(workers.glob("search.*.min.js"))
    if len(found) != 1:
        raise SopkitError(f"Material's search worker not found in {workers}\n    hint: "
                          "sopkit's search wrapper needs Material's layout; reinstall "
                          "with ./scripts/setup or pin the tested version")
    name = found[0].name
    stemming = os.path.relpath(SEARCH_STEMMING_JS, _WORKERS)
    # Addresses from the wrapper's own: in the file:// shim (iframe-worker) the
    # worker runs in an iframe whose base address is the page's.
    wrapper = (
        "/* sopkit: Material's search worker, then Norwegian word forms. */\n"
        "(function (here) {\n"
        f"  importScripts(new URL({json.dumps(name)}, here).href,\n"
        f"                new URL({json.dumps(stemming)}, here).href);\n"
        '})((typeof document !== "undefined" && document.currentScript'
        " && document.currentScript.src) || self.location.href);\n")
    return {f"{_WORKERS}/sopkit-{name}": wrapper}


def _import_mkdocs() -> None:
    import material.plugins.offline.plugin
    import material.plugins.search.plugin  # noqa: F401
    import mkdocs.commands.build  # noqa: F401


def mkdocs_build(config_file: Path, docs: Path, site: Path, nav: Sequence[NavEntry], *,
                 processes: Processes | None = None, cache: PageCache | None = None,
                 previous: Path | None = None, jobs: int = SHARDS,
                 compiled: Path | None = None, converted: Path | None = None) -> list[int]:
    """Build ``docs`` into ``site`` with MkDocs + Material; any warning fails the build.

    ``processes`` are those that build the site together (default: as many as
    :func:`shard_count` says for the pages to render, started now). With
    ``cache``, a page whose key (:mod:`.pagecache`) is there is not rendered:
    its HTML and search entries come from the cache (hard-linked from
    ``previous``, the site being replaced, when it has the same bytes), and
    the pages rendered are kept there for the next build. Returns how many
    pages each process rendered. ``jobs``: the most processes to start.
    ``compiled``: a folder for the theme's compiled templates (Jinja's bytecode cache).
    ``converted``: a folder for pages' conversions and search entries
    (:mod:`.convertcache`), used along with ``cache``.
    """
    present = _present(docs)
    listed = functools.cache(lambda: listing(present))  # only for pages that need it
    pages = sorted(path for path in present if path.endswith(".md"))
    keys, reuse = _reusable(config_file, docs, pages, nav, cache, previous, present, listed)
    todo = [page for page in pages if page not in reuse]
    wanted = min(jobs, shard_count(len(todo)))
    store = (ConvertCache(converted, code_digest((__name__,), DISTRIBUTIONS))
             if converted is not None and keys else None)
    if processes is None or (processes.pool is None and wanted > 1):
        with Processes(wanted) as started:  # more than the caller expected to render
            return _build(config_file, docs, site, nav, started, pages, todo, keys, reuse,
                          cache, previous, compiled, store, listed)
    return _build(config_file, docs, site, nav, processes, pages, todo, keys, reuse, cache,
                  previous, compiled, store, listed)


def _present(docs: Path) -> frozenset[str]:
    """The docs-relative paths of the files in ``docs`` (as MkDocs names them)."""
    found = []
    for folder, _, names in os.walk(docs):
        relative = os.path.relpath(folder, docs).replace(os.sep, "/")
        prefix = "" if relative == "." else f"{relative}/"
        found += [prefix + name for name in names]
    return frozenset(found)


def _build(config_file: Path, docs: Path, site: Path, nav: Sequence[NavEntry],
           processes: Processes, pages: list[str], todo: list[str], keys: dict[str, str],
           reuse: dict[str, Reused], cache: PageCache | None, previous: Path | None,
           compiled: Path | None, store: ConvertCache | None, listed: Callable[[], str]
           ) -> list[int]:
    count, pool = processes.count, processes.pool
    if pool is None and not keys:
        _raise_on(_mkdocs(config_file, docs, site, nav, compiled=compiled).problems)
        return [len(pages)]
    owners = {page: index % count for index, page in enumerate(todo)}
    owners.update({page: -1 for page in reuse})  # nobody renders them
    others = [site.with_name(f"{site.name}.share{k}") for k in range(1, count)]
    futures = [pool.submit(_mkdocs, config_file, docs, other, nav, _Share(k, owners),
                           compiled=compiled, store=store)
               for k, other in enumerate(others, start=1)] if pool is not None else []
    try:
        gathered = _Gathered(futures, {page: reuse[page].stored.entries for page in reuse})
        outcome = _mkdocs(config_file, docs, site, nav, _Share(0, owners), gathered.wait,
                          compiled, store)
        gathered.wait()  # also when this build failed before asking
        _raise_on(outcome.problems + [line for line in gathered.problems
                                      if line.removesuffix(_ELSEWHERE) not in outcome.problems])
        if not outcome.shared:
            return [len(pages)]
        for other, result in zip(others, gathered.outcomes, strict=True):
            for built in result.written:
                (site / built).parent.mkdir(parents=True, exist_ok=True)
                os.replace(other / built, site / built)
    finally:
        for future in futures:
            future.cancel()
        wait(futures)  # before removing what they write
        for other in others:
            shutil.rmtree(other, ignore_errors=True)
    if cache is not None and keys:
        _keep(cache, keys, reuse, [outcome, *gathered.outcomes], site, previous, listed)
        if store is not None:
            store.keep(key for stored in cache.index.values() for key in stored.made_with)
    return [len(outcome.written), *(len(result.written) for result in gathered.outcomes)]


@dataclass(frozen=True)
class Reused:
    """A page taken from the cache: as kept, and the file that holds it whole."""

    stored: Stored
    source: Whole


def _reusable(config_file: Path, docs: Path, pages: list[str], nav: Sequence[NavEntry],
              cache: PageCache | None, previous: Path | None, present: frozenset[str],
              listed: Callable[[], str]) -> tuple[dict[str, str], dict[str, Reused]]:
    """The pages' keys and the pages ``cache`` has (from ``previous``, the site being
    replaced, or the cache: :meth:`.PageCache.source`); none when pages built apart might not
    come out as from one build (see :func:`_can_share`), when the configuration reads
    more than mkdocs.yml (:func:`.pagecache.cacheable`), or when it cannot be read
    (the build itself then says why)."""
    if cache is None or not cacheable(config_file.read_text(encoding="utf-8")):
        return {}, {}
    from mkdocs.config import load_config

    try:
        with warnings_logged("mkdocs"):
            config = load_config(config_file=str(config_file), docs_dir=str(docs),
                                 site_dir=str(docs.parent / "unused-site"),
                                 nav=as_mkdocs(nav))
    except Exception:  # the build reports it, with MkDocs' messages
        return {}, {}
    if not _can_share(config) or not _keyed_extensions(config):
        return {}, {}
    theme = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    # The code that makes the pages (this module and every sopkit module it imports:
    # the site's stylesheets and scripts are named in urls.py, the navigation is made
    # in nav.py): a change to it renders every page again.
    keys = page_keys(docs, pages, nav, salt(config_file, theme, (__name__,)))
    found = {page: cache.source(key, previous) for page, key in keys.items()
             if key in cache.index and still_found(cache.index[key], present, listed)}
    return keys, {page: Reused(cache.get(keys[page]), source)
                  for page, source in found.items() if source is not None}


def _keyed_extensions(config: MkDocsConfig) -> bool:
    """Whether every Markdown extension comes from a package whose version is in the
    pages' keys (:func:`.pagecache.keyed`): a name Python-Markdown knows by an entry
    point is its module's."""
    from importlib.metadata import entry_points

    known = {point.name: point.value for point in entry_points(group="markdown.extensions")}
    return all(isinstance(name, str) and keyed(known.get(name, name))
               for name in config.markdown_extensions)


def _keep(cache: PageCache, keys: Mapping[str, str], reuse: Mapping[str, Reused],
          outcomes: Sequence[_Outcome], site: Path, previous: Path | None,
          listed: Callable[[], str]) -> None:
    """Put the reused pages into ``site`` and keep the rendered ones in ``cache``
    (``listed``: the :func:`.pagecache.listing` of the docs folder, kept with a page whose
    conversion's lookups are not known)."""
    changed = sorted(page for page, reused in reuse.items() if not reused.source.unchanged())
    if changed:  # since it was checked, before MkDocs ran
        raise SopkitError(f"{', '.join(changed)}: changed in {previous or 'the page cache'} "
                          "while the site was being built\n    hint: build again")
    put({reused.stored.dest: reused.source.path for reused in reuse.values()}, site,
        previous=previous)
    for outcome in outcomes:
        for page, dest in outcome.dests.items():
            html = (site / dest).read_bytes()
            looked_up = outcome.looked_up.get(page)
            cache.store(keys[page], Stored(dest, outcome.entries.get(page, []),
                                           hashlib.sha256(html).hexdigest(),
                                           tuple(outcome.made_with.get(page, ())),
                                           looked_up=looked_up,
                                           listing=listed() if looked_up is None else None),
                        site / dest)
    cache.keep(keys)


@dataclass(frozen=True)
class _Share:
    """Which pages one process renders: those whose owner is ``index``."""

    index: int
    owners: Mapping[str, int]

    def renders(self, src_uri: str) -> bool:
        return self.owners.get(src_uri, 0) == self.index


@dataclass
class _Outcome:
    problems: list[str]
    shared: bool = False
    """Whether this build rendered its share only (see :func:`_can_share`)."""
    entries: SearchEntries = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    dests: dict[str, str] = field(default_factory=dict)
    """Where each page this build rendered went (docs path -> site path)."""
    made_with: dict[str, list[str]] = field(default_factory=dict)
    """The keys of the records of :mod:`.convertcache` each page it rendered was made with."""
    looked_up: dict[str, dict[str, bool]] = field(default_factory=dict)
    """The paths among the site's files each page it rendered looked up in its conversion,
    and whether a file of the docs folder was there (:attr:`_Converter.looked_up`)."""


_ELSEWHERE = " (in another process)"


class _Gathered:
    """The outcomes of the other shares, waited for once."""

    def __init__(self, futures: list[Future[_Outcome]], cached: SearchEntries) -> None:
        self.futures = futures
        self.cached = cached
        self.outcomes: list[_Outcome] = []
        self.problems: list[str] = []
        self.done = False

    def wait(self) -> SearchEntries:
        if not self.done:
            self.done = True
            for future in self.futures:
                try:
                    outcome = future.result()
                except Exception as exc:  # the process died, or failed outside MkDocs
                    outcome = _Outcome([f"MkDocs build of a share of the pages failed: "
                                        f"{type(exc).__name__}: {exc}"])
                self.outcomes.append(outcome)
                self.problems += [f"{line}{_ELSEWHERE}" for line in outcome.problems]
        return {**self.cached, **{page: entries for outcome in self.outcomes
                                  for page, entries in outcome.entries.items()}}


def _mkdocs(config_file: Path, docs: Path, site: Path, nav: Sequence[NavEntry],
            share: _Share | None = None,
            gather: Callable[[], SearchEntries] | None = None,
            compiled: Path | None = None, store: ConvertCache | None = None) -> _Outcome:
    """One MkDocs build (of ``share``'s pages only, when given and possible)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    plugin = None
    with warnings_logged("mkdocs") as messages:
        try:
            config = load_config(
                config_file=str(config_file), docs_dir=str(docs), site_dir=str(site),
                nav=as_mkdocs(nav), strict=True,
            )
            config.extra_css.extend(c for c in SITE_CSS if c not in config.extra_css)
            config.extra_javascript.extend(
                j for j in SITE_JS if j not in config.extra_javascript)
            if share is not None and not _can_share(config):
                if share.index > 0:
                    return _Outcome([])  # the first process builds every page
                share = None
            if share is not None:
                plugin = _shard_plugin(share, gather, store)
                config.plugins["sopkit/share"] = plugin
            if compiled is not None:
                config.plugins["sopkit/compiled"] = _compiled_plugin(compiled, config_file)
            build(config)
        except Exception as exc:  # also a failing theme template or plugin: MkDocs logged where
            why = exc if isinstance(exc, (Abort, ConfigurationError)) else (
                f"{type(exc).__name__}: {exc}")
            return _Outcome([f"MkDocs build failed: {why}", *(f"  {m}" for m in messages)])
    problems = [f"MkDocs warned: {m}" for m in messages]
    if plugin is None:
        return _Outcome(problems)
    converter = plugin.converter
    made_with = converter.made_with if converter is not None else {}
    looked_up = converter.looked_up if converter is not None else {}
    return _Outcome(problems, True, plugin.entries, plugin.written, plugin.dests,
                    {page: made_with[page] for page in plugin.dests if page in made_with},
                    {page: looked_up[page] for page in plugin.dests if page in looked_up})


_SHAREABLE_PLUGINS = {"search", "offline", "material/search", "material/offline"}


def _can_share(config: MkDocsConfig) -> bool:
    """Whether pages built in shares come out as from one build (see the module notes)."""
    return (set(config.plugins) <= _SHAREABLE_PLUGINS
            and config.validation.links.anchors <= logging.INFO)


def _shard_plugin(share: _Share, gather: Callable[[], SearchEntries] | None,
                  store: ConvertCache | None) -> Any:
    """A plugin (added by code, not in mkdocs.yml) that renders ``share``'s pages only,
    converting and indexing them by way of ``store`` when given."""
    import jinja2
    from material.plugins.search.plugin import SearchPlugin
    from mkdocs.plugins import BasePlugin, event_priority

    class SharePlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        def __init__(self) -> None:
            self.entries: SearchEntries = {}
            self.written: list[str] = []
            self.dests: dict[str, str] = {}
            self.order: list[str] = []
            self.indexed = 0
            self.search: Any = None
            self.converter = _Converter(store, share) if store is not None else None

        def on_config(self, config: MkDocsConfig) -> None:
            self.search = next((p for p in config.plugins.values()
                                if isinstance(p, SearchPlugin) and p.config.enabled), None)

        def on_pre_build(self, *, config: MkDocsConfig) -> None:
            if self.converter is not None and self.search is not None:
                self.converter.indexing(self.search.search_index)

        def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
                   ) -> jinja2.Environment:
            # A page of another share gets an empty template: MkDocs writes no file
            # for empty output. (The page's own "template" in its front matter is
            # left alone: the sitemap reads it.)
            choose, empty = env.get_template, env.from_string("")

            def get_template(name: Any, parent: str | None = None, globals: Any = None
                             ) -> jinja2.Template:
                page = config._current_page
                if parent is None and page is not None and not share.renders(page.file.src_uri):
                    return empty
                return choose(name, parent, globals)

            env.get_template = get_template  # type: ignore[method-assign]
            if share.index > 0:  # 404.html, sitemap.xml: the first process writes those
                config.theme.static_templates = set()
            return env

        def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                             files: Files) -> str:
            titled = "title" in vars(page) or "title" in page.meta  # else from its heading
            if titled and not share.renders(page.file.src_uri):
                page.render = lambda config, files: _skip(page)  # type: ignore[method-assign]
            elif self.converter is not None:
                self.converter.converting(page)
            return markdown

        @event_priority(-100)  # after the search plugin has indexed the page
        def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig,
                            nav: Any) -> Any:
            self.order.append(page.file.src_uri)
            if self.search is not None:
                entries = self.search.search_index.entries
                if share.renders(page.file.src_uri):
                    self.entries[page.file.src_uri] = entries[self.indexed:]
                self.indexed = len(entries)
            return context

        def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
            if output.strip() and share.renders(page.file.src_uri):
                self.written.append(page.file.dest_uri)
                self.dests[page.file.src_uri] = page.file.dest_uri
            # Nothing reads them again (search has indexed the page; no other plugin
            # is here): each process would keep every page's Markdown and its share's
            # HTML to the end, 10-20 MiB at 1000 procedures. Not None: Page.title
            # reads the Markdown when either is None.
            page.markdown, page.content = "", ""
            return output

        @event_priority(100)  # before the search plugin writes the index
        def on_post_build(self, *, config: MkDocsConfig) -> None:
            if gather is None or self.search is None:
                return
            entries = {**self.entries, **gather()}
            self.search.search_index.entries = [
                entry for page in self.order for entry in entries.get(page, [])]

    return SharePlugin()


class _Converter:
    """Converts pages from Markdown and indexes them for search by way of ``store``
    (:mod:`.convertcache`): a result kept under its key is taken instead of made.

    A conversion's key is made of what ``Page.render`` reads: sopkit's code and the
    versions of what converts (:data:`.pagecache.DISTRIBUTIONS`), the configuration
    of the conversion, the page's own file (path, where it goes, address) and its
    Markdown. The files of the site it looked up (a link's target: whether it is there,
    its address; a link to a missing file is warned about) are kept in the record
    (:class:`_Lookups`), which is used only while each is found as it was: a page
    added or removed elsewhere (a draft, a new procedure) leaves the other pages'
    records in use. A conversion that asked the files anything else is not kept, nor
    is one that warned. A configuration of the conversion that holds a value this
    cannot describe (:func:`_plain`) leaves every page converted anew. A search
    entry's key is made of what Material's indexing reads: the page's HTML, table of
    contents, address, title and front matter. Only pages ``share`` renders are
    indexed by way of the cache: the others have no HTML in this process.
    """

    def __init__(self, store: ConvertCache, share: _Share) -> None:
        self.store = store
        self.share = share
        self.made_with: dict[str, list[str]] = {}
        """The keys each page (docs path) was converted and indexed with."""
        self.looked_up: dict[str, dict[str, bool]] = {}
        """The paths each page's conversion looked up among the site's files, and whether
        a file of the docs folder is there (a file of the theme is there whatever the
        docs folder holds); a page converted without recording them is not here."""
        self._salt: str | None = None
        """What every key holds besides the page: worked out at the first conversion;
        ``None`` after it when the configuration cannot be described."""
        self._salted = False

    def converting(self, page: Page) -> None:
        """Let ``page`` be converted by way of the cache."""
        convert = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            if not self._salted:
                self._salt, self._salted = _salt_of(self.store, config), True
            if self._salt is None:
                convert(config, files)
                return None
            key = _digest(self._salt, "page", json.dumps(_described(page.file)),
                          page.markdown or "")
            record = self.store.get(key)
            found = record.get("lookups") if record is not None else None
            if (record is None or not _looked_up_alike(record, files)
                    or not _restore(page, record, files)):
                lookups = _Lookups(files)
                with warnings_logged("mkdocs") as warned:
                    convert(config, lookups)  # type: ignore[arg-type]
                found = lookups.found if lookups.whole else None
                # A warning fails the build: converted again, it is said again.
                if not warned and lookups.whole:
                    self.store.put(key, {**_conversion(page), "lookups": lookups.found})
            if isinstance(found, dict):  # as the page cache can tell them before MkDocs
                self.looked_up[page.file.src_uri] = {
                    path: _of_docs(files.get_file_from_path(path), config) for path in found}
            self.made_with.setdefault(page.file.src_uri, []).append(key)
            return None

        page.render = render  # type: ignore[method-assign]

    def indexing(self, index: Any) -> None:
        """Let Material's search ``index`` add pages' entries by way of the cache."""
        add = index.add_entry_from_context

        def add_entry_from_context(page: Page) -> None:
            if self._salt is None or not self.share.renders(page.file.src_uri):
                add(page)  # not converted by way of the cache, or rendered elsewhere
                return None
            meta = json.dumps({name: page.meta.get(name) for name in ("search", "tags", "title")},
                              ensure_ascii=False, sort_keys=True, default=repr)
            key = _digest(self._salt, "search", page.file.src_uri, page.url, str(page.title),
                          meta, json.dumps(_toc_tokens(page.toc)), page.content or "")
            record = self.store.get(key)
            entries = record.get("entries") if record is not None else None
            if isinstance(entries, list) and all(isinstance(e, dict) for e in entries):
                index.entries.extend(entries)
            else:
                before = len(index.entries)
                add(page)
                self.store.put(key, {"entries": index.entries[before:]})
            self.made_with.setdefault(page.file.src_uri, []).append(key)
            return None

        index.add_entry_from_context = add_entry_from_context


def _salt_of(store: ConvertCache, config: MkDocsConfig) -> str | None:
    """What every conversion's key holds besides the page (see :class:`_Converter`), or
    ``None`` when the configuration cannot be described."""
    from mkdocs.structure import pages

    try:
        conversion = json.dumps(
            [config.markdown_extensions, config.mdx_configs, config.validation,
             config.use_directory_urls, pages.log.getEffectiveLevel() > logging.DEBUG],
            sort_keys=True, default=_plain)
    except (TypeError, ValueError):  # not to be described; a value holding itself
        return None
    return _digest(store.made_by, conversion)


def _described(file: File | None) -> list[Any] | None:
    """What a conversion reads of a file of the site: its path, where it goes, its address
    and whether it is built (``None``: no such file)."""
    if file is None:
        return None
    return [file.src_uri, file.dest_uri, file.url, file.inclusion.value]


def _of_docs(file: File | None, config: MkDocsConfig) -> bool:
    """Whether ``file`` is a file of the docs folder (not of the theme, nor none)."""
    return file is not None and file.src_dir == config.docs_dir


class _Lookups:
    """The site's files as one conversion sees them: every path it looks up is recorded
    with what it found (:func:`_described`). ``whole`` turns ``False`` when it asks
    anything else (a conversion whose reading is not all recorded is not kept)."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.found: dict[str, list[Any] | None] = {}
        self.whole = True

    def get_file_from_path(self, path: str) -> File | None:
        file = self._files.get_file_from_path(path)
        self.found[str(path)] = _described(file)
        return file

    def __getattr__(self, name: str) -> Any:
        self.whole = False
        return getattr(self._files, name)

    def __iter__(self) -> Iterator[File]:
        self.whole = False
        return iter(self._files)

    def __len__(self) -> int:
        self.whole = False
        return len(self._files)

    def __contains__(self, path: str) -> bool:
        self.whole = False
        return path in self._files


def _looked_up_alike(record: dict[str, Any], files: Files) -> bool:
    """Whether every file the conversion of ``record`` looked up is found as it was then."""
    found = record.get("lookups")
    return isinstance(found, dict) and all(
        _described(files.get_file_from_path(path)) == then for path, then in found.items())


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it, for a key; a ``TypeError`` for what cannot be
    described. A function or class is described by its name when that says all of it:
    defined at the top of a module whose version is in the key (:func:`.pagecache.keyed`),
    neither a closure nor a method bound to a value."""
    if isinstance(value, functools.partial):
        return {"partial": value.func, "args": value.args, "keywords": value.keywords}
    if isinstance(value, Mapping):
        return dict(value)
    name, module = getattr(value, "__qualname__", None), getattr(value, "__module__", None)
    if (callable(value) and isinstance(name, str) and "<" not in name
            and isinstance(module, str) and keyed(module)
            and getattr(value, "__closure__", None) is None
            and isinstance(getattr(value, "__self__", None), (type(None), type, ModuleType))):
        return f"{module}.{name}"
    raise TypeError(f"{type(value).__name__} cannot be part of a key")


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", errors="surrogatepass") + b"\0")
    return digest.hexdigest()


def _toc_tokens(toc: Any) -> list[dict[str, Any]]:
    """A page's table of contents as the tokens ``get_toc`` makes it from."""
    return [{"level": link.level, "id": link.id, "name": link.title,
             "children": _toc_tokens(link.children)} for link in toc]


def _conversion(page: Page) -> dict[str, Any]:
    """What ``Page.render`` set, as a record."""
    links = vars(page).get("links_to_anchors")
    return {"content": page.content, "toc": _toc_tokens(page.toc),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None if links is None else {
                file.src_uri: anchors for file, anchors in links.items()}}


def _restore(page: Page, record: dict[str, Any], files: Files) -> bool:
    """Set what ``Page.render`` sets from ``record``; ``False`` if it is not whole."""
    from mkdocs.structure.toc import get_toc

    content, title, anchors, links = (record.get(name) for name in
                                      ("content", "title", "anchors", "links"))
    try:
        toc = get_toc(record["toc"])
        targets = None if links is None else {
            files.get_file_from_path(src): dict(found) for src, found in links.items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        return False
    if not (isinstance(content, str) and (title is None or isinstance(title, str))
            and isinstance(anchors, list) and all(isinstance(a, str) for a in anchors)
            and (targets is None or None not in targets)):
        return False
    page.content, page.toc = content, toc
    page._title_from_render = title
    page.present_anchor_ids = set(anchors)
    if targets is not None:
        page.links_to_anchors = targets  # type: ignore[assignment]
    return True


def _compiled_plugin(folder: Path, config_file: Path) -> Any:
    """A plugin that keeps the theme's compiled templates in ``folder``, under a salt of
    the versions that shape the HTML and ``mkdocs.yml`` (its plugins add filters)."""
    import jinja2
    from mkdocs.plugins import BasePlugin

    from sopkit.outputs.templates import compiled_cache

    class CompiledPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
                   ) -> jinja2.Environment:
            env.bytecode_cache = compiled_cache(folder, salt(config_file, None, ()))
            return env

    return CompiledPlugin()


def _skip(page: Page) -> None:
    """Stand in for rendering a page of another share: no content, so nothing to index."""
    page.content = ""


def _raise_on(problems: list[str]) -> None:
    if problems:
        raise SopkitError("\n".join(problems))
