"""Figures and attachments in the outputs: where each file is in the site, and how a
page or a PDF refers to it.

A file is published at ``filer/<ID>/<first 12 hex digits of its SHA-256>/<name>``:
an archived revision keeps the bytes it was approved with beside a newer file of
the same name, and a changed file gets a new address (no stale copy in a cache).
Pages link to it relatively; PDFs embed it as a ``data:`` URL, so rendering needs
no file access and a PDF holds its pictures.
"""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote
from xml.etree import ElementTree

from defusedxml.ElementTree import fromstring

from sopkit.outputs.fonts import FAMILY as FONT_FAMILY
from sopkit.outputs.htmltext import Shown
from sopkit.outputs.urls import FILE, href
from sopkit.source.expected import Item
from sopkit.source.model import Procedure, StoredFile


@dataclass(frozen=True)
class FileLink:
    """How an output refers to one file: ``src`` for ``<img>``, ``link`` for a click
    (``None`` in a PDF), and the file itself (size, type, pixels)."""

    src: str
    link: str | None
    file: StoredFile

    @property
    def width(self) -> int | None:
        return self.file.width

    @property
    def height(self) -> int | None:
        return self.file.height


def site_path(doc_id: str, stored: StoredFile) -> str:
    """The file's site-relative path (not URL-quoted)."""
    return FILE.format(id=doc_id, digest=stored.sha256[:12], name=stored.name)


def page_links(page: str, proc: Procedure) -> dict[str, FileLink]:
    """``proc``'s files as a site page at ``page`` refers to them (relative links)."""
    out = {}
    for name, stored in proc.files.items():
        url = quote(href(page, site_path(proc.id, stored)))
        out[name] = FileLink(url, url, stored)
    return out


def inline_links(proc: Procedure) -> dict[str, FileLink]:
    """``proc``'s figures as ``data:`` URLs, for a PDF (attachments are only listed)."""
    return {name: FileLink(data_url(stored), None, stored)
            for name, stored in proc.files.items()}


def data_url(stored: StoredFile) -> str:
    """The file as a ``data:`` URL for a PDF; a drawing's text set in the PDFs' font."""
    data = stored.read_bytes()
    if stored.kind == "SVG":
        data = in_font(data, FONT_FAMILY)
    return f"data:{stored.media_type};base64,{base64.b64encode(data).decode('ascii')}"


_FONT_DECLARATION = re.compile(r"font-family\s*:[^;]*", re.IGNORECASE)


def in_font(svg: bytes, family: str) -> bytes:
    """A checked SVG with all its text in ``family``: a PDF embeds only its own font,
    and the same drawing must give the same PDF on every machine (a font named in the
    drawing, or 'sans-serif', would be whatever that machine has)."""
    root = fromstring(svg, forbid_dtd=True)
    for element in root.iter():
        if "font-family" in element.attrib:
            element.set("font-family", family)
        if "style" in element.attrib:  # the family last: it also wins over 'font: ...'
            style = _FONT_DECLARATION.sub(f"font-family: {family}", element.get("style", ""))
            element.set("style", f"{style.rstrip().rstrip(';')}; font-family: {family}")
    root.set("font-family", family)
    ElementTree.register_namespace("", "http://www.w3.org/2000/svg")
    data: bytes = ElementTree.tostring(root, encoding="utf-8")
    return data


def address_of(page: str, url: str) -> str:
    """The site path a relative ``url`` on ``page`` leads to (unquoted, normalised)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(url.split("#")[0])))


def page_shows(proc: Procedure, page: str, shown: Sequence[Shown],
               leads_to: Callable[[str, StoredFile], bool]) -> Callable[[Item], bool]:
    """Whether the page ``page`` shows a figure (a visible picture with its alternative
    text) or an attachment (a visible link with its title) of ``proc``, at an address
    (site-relative) that ``leads_to`` the file."""
    def shows(item: Item) -> bool:
        stored = proc.files.get(item.key)
        tag = "img" if item.kind == "figure" else "a"
        return stored is not None and any(
            s.tag == tag and s.text == item.text and leads_to(address_of(page, s.url), stored)
            for s in shown)
    return shows


def site_files(procs: Iterable[Procedure]) -> dict[str, StoredFile]:
    """Site path -> file, for every file of ``procs`` (the texts the site shows)."""
    return {site_path(proc.id, stored): stored
            for proc in procs for stored in proc.files.values()}


def file_size(size: int) -> str:
    """A size as staff read it: '812 byte', '6,8 kB', '1,2 MB'."""
    if size < 1000:
        return f"{size} byte"
    if size < 1000 * 1000:
        return f"{size / 1000:.1f} kB".replace(".", ",")
    return f"{size / 1000 / 1000:.1f} MB".replace(".", ",")
