"""Prove that what each procedure mandates reached its pages in the built site.

Run after MkDocs, before the new site is published. Each page is read as a
reader gets it: its ``<article>``, leaving out what is hidden by markup, by an
inline style or by a rule of the site's own stylesheets
(:mod:`sopkit.outputs.htmltext`). It must show every item
:mod:`sopkit.source.expected` derives from the YAML: every step's text, every
mandated phrase, the DokumentID, the revision and Gyldig til; and every figure
and attachment file, as a visible picture (with its alternative text) or link
(with its title) whose address leads to a file in the site with the same
bytes (SHA-256) as the one in ``procedure/files/``. Checked: the
procedure pages (the texts in force), the draft pages and the archived texts
of superseded revisions. Change pages show differences, not a text, and are
not checked here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sopkit.cachefiles import code_digest, read_index, write_index
from sopkit.outputs.evidence import Check, Report, check, sha256
from sopkit.outputs.files import page_shows
from sopkit.outputs.htmltext import (
    Shown,
    Stylesheets,
    hidden_rules,
    page_reading,
    view_key,
)
from sopkit.outputs.urls import DRAFT_PAGE, PROCEDURE_PAGE, built
from sopkit.outputs.workers import SPAWN
from sopkit.source.expected import Item, page_items
from sopkit.source.files import digest
from sopkit.source.library import Library
from sopkit.source.model import Procedure, StoredFile

READING = ("selectolax", "cssselect2", "tinycss2")
"""The libraries that read a page (:mod:`sopkit.outputs.htmltext`): their versions are in
the key of a page's checks."""
HINT = ("a template in templates/site/, or a rule in the site's stylesheets, drops or hides "
        "this text")


def verify_site(library: Library, site: Path, drafts: Mapping[str, Procedure] | None = None,
                archived: Mapping[str, Procedure] | None = None,
                stylesheets: Iterable[Path] = (), cache: Path | None = None,
                jobs: int = 1) -> list[Report]:
    """Check every procedure page (texts in force), draft page and archived text
    (``archived``: docs page -> the revision's text) in ``site``.

    ``cache``: a file that keeps what each page must show and what was found on it,
    by all that reading the page reads (:func:`view_key`: its article, and what of the
    rest may hide it), its procedure's content and this checker's code, and which of
    those each page's bytes were; so that a page built again with the same bytes is not
    read again (a rebuild changes few pages), nor one that changed only where nothing
    is read (a new site name in every page's header), nor what it must show worked out
    again. ``jobs``: the most processes that read pages together, when there are many
    (after a change every page shows in what is read).
    """
    paths = sorted(stylesheets)
    # The code that decides what a page shows and what it must: a change to any of it
    # (read from the imports) checks every page again.
    salt = hashlib.sha256("\0".join([*(p.read_text(encoding="utf-8") for p in paths),
                                     code_digest((__name__,), READING)]).encode()).hexdigest()
    known = read_index(cache) if cache else {}
    found: dict[str, Any] = {}
    pages = [("page", PROCEDURE_PAGE.format(id=p.id), p) for p in library.procedures]
    pages += [("draft page", DRAFT_PAGE.format(id=doc_id), p)
              for doc_id, p in (drafts or {}).items()]
    pages += [(f"revision {p.current.revision} page", page, p)
              for page, p in (archived or {}).items()]
    # A page's checks are kept by what the page shows (its view_key); its bytes lead
    # there. A page with files is checked every time: their bytes are not in the keys.
    read: list[_Page] = []
    for artefact, page, proc in pages:
        path = site / built(page)
        data = path.read_bytes() if path.is_file() else b""
        digest = sha256(data)  # the page's, in its key and its report
        content = proc.content_digest()
        key = _key(salt, digest, content)
        seen = known.get(key)  # these bytes were read before: the key of what they show
        read.append(_Page(artefact, built(page), proc, content, data, digest, key,
                          seen if isinstance(seen, str) else None))
    # What pages whose bytes are new show, when some were checked before (else all are
    # read whole).
    new = [p for p in read if p.view is None and p.data and known and not p.proc.files]
    for one, shows in zip(new, _each(_key_all, [p.data for p in new], paths, jobs),
                          strict=True):
        one.view = _key(salt, shows, one.content)
    reports: list[Report | None] = []
    todo: list[tuple[int, _Page]] = []  # pages to read, with their place in reports
    for one in read:
        report = (_known(known.get(one.view), one.proc.id, one.artefact, one.path,
                         one.digest) if one.view is not None and not one.proc.files else None)
        if one.view is None or report is None:
            todo.append((len(reports), one))
        else:
            found[one.key], found[one.view] = one.view, known[one.view]
        reports.append(report)
    views = _each(_view_all, [one.data for _, one in todo], paths, jobs)
    for (index, one), (text, shown, shows) in zip(todo, views, strict=True):
        report = check(one.proc.id, one.artefact, one.path, one.data, text,
                       page_items(one.proc), shows=_shows(one.proc, site, one.path, shown))
        view = _key(salt, shows, one.content)
        found[one.key] = view
        found[view] = [[c.item.kind, c.item.key, c.item.text, c.found] for c in report.checks]
        reports[index] = report
    if cache is not None and found != known:  # a changed entry is not used: see write_index
        write_index(cache, found)
    return [report for report in reports if report is not None]


@dataclass
class _Page:
    """A page to check: what it is, its bytes, their key and (when known) the key of
    what it shows."""

    artefact: str
    path: str
    """In the site."""
    proc: Procedure
    content: str
    """The procedure's :meth:`~sopkit.source.model.Procedure.content_digest`."""
    data: bytes
    digest: str
    key: str
    view: str | None


def _key(salt: str, page: str, content: str) -> str:
    return hashlib.sha256(f"{salt}\0{page}\0{content}".encode()).hexdigest()


def _known(entry: Any, doc_id: str, artefact: str, page: str, digest: str) -> Report | None:
    """The report kept for a page (each item and whether it was found), if well formed."""
    if not isinstance(entry, list) or not all(
            isinstance(c, list) and len(c) == 4 and all(isinstance(t, str) for t in c[:3])
            and isinstance(c[3], bool) for c in entry):
        return None  # none, or damaged
    return Report(doc_id, artefact, page, digest, tuple(
        Check(Item(kind, key, text), found) for kind, key, text, found in entry))


PAGES_PER_PROCESS = 300
"""Fewer pages to read are read here: starting a process (0.5 s) would cost more."""
CHUNK = 25
"""Pages a worker process reads at a time."""


T = TypeVar("T")


def _each(read: Callable[[list[bytes]], list[T]], pages: list[bytes],
          stylesheets: list[Path], jobs: int) -> list[T]:
    """``read`` (:func:`_view_all` or :func:`_key_all`) of the pages, in order. When
    there are many (a page takes about 2-4 ms), ``jobs - 1`` worker processes read the
    first half while this process reads the second, then what they have not begun."""
    if not pages:
        return []
    _start_reading(tuple(stylesheets))
    workers = min(jobs - 1, len(pages) // PAGES_PER_PROCESS)
    if workers < 1:
        return read(pages)
    chunks = [pages[start:start + CHUNK] for start in range(0, len(pages), CHUNK)]
    half = len(chunks) // 2
    with ProcessPoolExecutor(workers, mp_context=SPAWN, initializer=_start_reading,
                             initargs=(tuple(stylesheets),)) as pool:
        futures = [pool.submit(read, chunk) for chunk in chunks[:half]]
        done: list[list[T] | None] = [None] * half + [read(chunk) for chunk in chunks[half:]]
        for index in reversed(range(half)):  # those not begun are read here
            if futures[index].cancel():
                done[index] = read(chunks[index])
        for index, future in enumerate(futures):
            if done[index] is None:
                try:
                    done[index] = future.result()
                except Exception:  # the worker died (out of memory?): read them here
                    done[index] = read(chunks[index])
    return [item for chunk in done if chunk is not None for item in chunk]


_RULES: list[Stylesheets] = []


def _start_reading(stylesheets: tuple[Path, ...]) -> None:
    _RULES[:] = [hidden_rules(stylesheets)]


def _view_all(pages: list[bytes]) -> list[tuple[str, list[Shown], str]]:
    return [_view(page) for page in pages]


def _key_all(pages: list[bytes]) -> list[str]:
    return [view_key(page.decode("utf-8"), _RULES[0]) for page in pages]


def _view(data: bytes) -> tuple[str, list[Shown], str]:
    return page_reading(data.decode("utf-8"), _RULES[0])


def _shows(proc: Procedure, site: Path, page: str, shown: list[Shown]
           ) -> Callable[[Item], bool]:
    """Whether the page at ``page`` shows a figure or an attachment with the item's text,
    leading to a file in ``site`` with the file's bytes."""
    root = site.resolve()

    def same_bytes(address: str, stored: StoredFile) -> bool:
        target = (site / address).resolve()
        return (target.is_relative_to(root) and target.is_file()
                and digest(stored.kind, target.read_bytes()) == stored.sha256)
    return page_shows(proc, page, shown, same_bytes)
