"""The text of built HTML as a reader gets it, for the checks that run after a build.

One place reads text out of HTML, with a real HTML parser (the standard
library's): the site's, the ticket's and the card's checks use it. Text a
reader does not see does not count: inside ``<script>``, ``<style>``,
``<template>`` or ``<noscript>``, inside an element with ``hidden``,
``aria-hidden="true"`` or an inline ``display: none`` / ``visibility: hidden``,
or with a class the site's own stylesheets hide (:func:`hidden_classes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import tinycss2

from sopkit.source.text import normalize

_NEVER_SHOWN = {"script", "style", "template", "noscript", "head", "title"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
_BLOCK = {"p", "div", "li", "ol", "ul", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
          "br", "hr", "table", "tr", "td", "th", "pre", "section", "article", "nav", "header",
          "footer", "aside", "details", "summary", "label", "button", "input", "textarea",
          "select", "option", "blockquote", "figure", "figcaption", "main", "caption"}
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


class _Text(HTMLParser):
    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden_classes = hidden
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.hiding = 0
        self.parts: list[str] = []
        self.code: list[list[str]] = []  # the text of open <code> elements
        self.codes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")
        if tag in _VOID:
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        hides = (tag in _NEVER_SHOWN or "hidden" in values
                 or (values.get("aria-hidden") or "").strip().lower() == "true"
                 or bool(_HIDING.search(values.get("style") or ""))
                 or not classes.isdisjoint(self.hidden_classes))
        self.stack.append((tag, hides))
        self.hiding += hides
        if tag == "code":
            self.code.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")
        if not any(open_tag == tag for open_tag, _ in self.stack):
            return  # a stray end tag
        while self.stack:  # close what was left open inside it, too
            open_tag, hides = self.stack.pop()
            self.hiding -= hides
            if open_tag == "code" and self.code:
                self.codes.append("".join(self.code.pop()))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hiding:
            self.parts.append(data)
            for code in self.code:
                code.append(data)


def _parsed(html: str, hidden: Iterable[str] = ()) -> _Text:
    parser = _Text(frozenset(hidden))
    parser.feed(html)
    parser.close()
    return parser


def html_text(html: str, hidden: Iterable[str] = ()) -> str:
    """The text a reader sees of ``html``: hidden text left out (see the module notes),
    blocks apart, inline elements joined, whitespace folded. ``hidden``: classes
    that hide an element (:func:`hidden_classes`)."""
    return normalize("".join(_parsed(html, hidden).parts))


def code_blocks(html: str, hidden: Iterable[str] = ()) -> set[str]:
    """The visible text of every ``<code>`` element."""
    return set(_parsed(html, hidden).codes)


def article(html: str) -> str:
    """The page's main content (Material's ``<article>``), or the whole page."""
    start = html.find("<article")
    end = html.rfind("</article>")
    return html[start:end + len("</article>")] if 0 <= start < end else html


def body(html: str) -> str:
    """The ``<body>`` of an HTML document, or all of it."""
    found = _BODY.search(html)
    return found.group(1) if found else html


def hidden_classes(stylesheets: Iterable[Path]) -> frozenset[str]:
    """Classes that the given stylesheets hide on screen: the last compound of a
    selector of a top-level rule (not inside ``@media``) that sets ``display: none``
    or ``visibility: hidden``."""
    found: set[str] = set()
    for path in stylesheets:
        rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"),
                                          skip_comments=True, skip_whitespace=True)
        for rule in rules:
            if rule.type != "qualified-rule":
                continue
            if not _HIDING.search(tinycss2.serialize(rule.content)):
                continue
            for selector in tinycss2.serialize(rule.prelude).split(","):
                last = selector.strip().split()[-1] if selector.strip() else ""
                found.update(re.findall(r"\.([\w-]+)", last))
    return frozenset(found)
