"""The Markdown of procedure and folder pages kept from one build to the next: a page
whose template input is the same as in the last build is not rendered again.

Rendering 1000 procedure pages with Jinja took about a third of a second of every
build, after any edit, and their 630 folders' pages another. A page's key is a
SHA-256 of everything its Markdown is made from:

* the salt: every file of ``templates/`` (a page template includes others), the
  source of the module that renders pages and every sopkit module it imports (the
  filters), and the versions of Python, Jinja, MarkupSafe and markdown-it-py;
* the template's name and the page's path;
* every value the template is given (:func:`fingerprint`): a procedure by all its
  fields and the SHA-256 of its files, other models by all their fields, text with
  whether it is markup already (it is not escaped again), bytes by their SHA-256,
  paths, lists, mappings and dataclasses by what they hold. A value of any other
  kind leaves the page uncached: what it would show is not known here.

The cache keeps only the SHA-256 of each page's Markdown (``build/cache/markdown.json``);
the Markdown itself is the page's file in the staging docs folder, which the last
build wrote. A page whose file is missing or has other bytes is rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path, PurePath

from markupsafe import Markup
from pydantic import BaseModel

from sopkit.cachefiles import code_digest, folder_digest, read_index, write_index
from sopkit.outputs.templates import render
from sopkit.source.model import Procedure

LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py")
"""Whose versions shape the Markdown (the template engine and the filters' parser)."""
SHARED = 32
"""A list or mapping this long is fingerprinted once per build (every page gets the
same titles of all documents)."""


class Uncacheable(Exception):
    """A template value whose content :func:`fingerprint` cannot tell."""


class RenderCache:
    """Pages' Markdown by key, kept in ``index`` (a file), with the pages
    themselves in ``docs`` (the staging docs folder of the last build)."""

    def __init__(self, index: Path, docs: Path, templates: Path, code: tuple[str, ...]) -> None:
        self.file = index
        self.docs = docs
        self.templates = templates
        self.salt = hashlib.sha256(
            (folder_digest(templates) + code_digest(code, LIBRARIES)).encode()).hexdigest()
        self.known: dict[str, str] = {
            key: digest for key, digest in read_index(index).items()
            if isinstance(digest, str)}
        self.used: dict[str, str] = {}
        self.unchanged: dict[str, str] = {}
        """The pages whose file in ``docs`` was found to hold their Markdown: page -> that
        Markdown (the very string given for it)."""
        self.rendered = 0
        self._shared: dict[int, tuple[object, bytes]] = {}

    def render(self, name: str, *, derived: tuple[str, ...] = (), **context: object) -> str:
        """``templates/name`` rendered with ``context`` for the docs page ``context["page"]``,
        or the Markdown the last build rendered there from the same input. ``derived``:
        values of ``context`` the caller worked out from others by code of the salt (a
        procedure's sections in the page's order): not fingerprinted again (their
        procedure's fields took a tenth of a second more)."""
        page = context.get("page")
        try:
            if not isinstance(page, str):
                raise Uncacheable("no page")
            digest = hashlib.sha256(f"{self.salt}\0{name}\0".encode())
            for field in sorted(context):
                shown = b"derived" if field in derived else self._fingerprint(context[field])
                digest.update(field.encode() + b"=" + shown + b";")
            key = digest.hexdigest()
        except Uncacheable:
            self.rendered += 1
            return render(self.templates, name, **context)
        kept = self.known.get(key)
        if kept is not None:
            try:
                data = (self.docs / page).read_bytes()
            except OSError:
                data = None
            if data is not None and hashlib.sha256(data).hexdigest() == kept:
                self.used[key] = kept
                text = self.unchanged[page] = data.decode("utf-8")
                return text
        text = render(self.templates, name, **context)
        self.rendered += 1
        self.used[key] = hashlib.sha256(text.encode()).hexdigest()
        return text

    def _fingerprint(self, value: object) -> bytes:
        # A long list or mapping is taken to be one value shared by every page (the
        # titles of all documents) and not changed while pages are rendered.
        if isinstance(value, (list, tuple, dict)) and len(value) >= SHARED:
            seen = self._shared.get(id(value))
            if seen is None or seen[0] is not value:
                seen = (value, hashlib.sha256(fingerprint(value)).digest())
                self._shared[id(value)] = seen  # holds the value: its id is not reused
            return seen[1]
        return fingerprint(value)

    def save(self) -> None:
        """Keep the keys of this build's pages only (if they changed)."""
        if self.used != self.known:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_index(self.file, dict(sorted(self.used.items())))


def fingerprint(value: object) -> bytes:
    """The bytes that tell ``value`` as a template sees it (see the module notes);
    :class:`Uncacheable` for a value of another kind."""
    if value is None or isinstance(value, (bool, int, float)):
        return f"{type(value).__name__}:{value!r}".encode()
    if isinstance(value, Markup):  # shown as it is
        return b"M" + _text(value)
    if isinstance(value, str):  # escaped when shown
        return b"s" + _text(value)
    if isinstance(value, bytes):  # a file's bytes (from git)
        return b"b" + _text(hashlib.sha256(value).hexdigest())
    if isinstance(value, PurePath):
        return b"p" + _text(value.as_posix())
    if isinstance(value, dt.date):
        return f"{type(value).__name__}:{value.isoformat()}".encode()
    if isinstance(value, Procedure):
        return b"P" + _text(value.content_digest())
    if isinstance(value, BaseModel):
        return _text(type(value).__qualname__) + _text(value.model_dump_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _text(type(value).__qualname__) + fingerprint(
            [getattr(value, f.name) for f in dataclasses.fields(value)])
    if isinstance(value, (list, tuple)):
        kind = b"(" if isinstance(value, tuple) else b"["
        name = _text(type(value).__qualname__) if type(value) not in (list, tuple) else b""
        return kind + name + _text(str(len(value))) + b"".join(fingerprint(v) for v in value)
    if isinstance(value, Mapping) and type(value) is dict:
        return b"{" + _text(str(len(value))) + b"".join(
            fingerprint(k) + fingerprint(v) for k, v in value.items())
    raise Uncacheable(type(value).__qualname__)


def _text(text: str) -> bytes:
    data = text.encode("utf-8", errors="surrogatepass")
    return f"{len(data)}:".encode() + data


__all__ = ["RenderCache", "Uncacheable", "fingerprint"]
