"""The text of built HTML as a reader gets it, for the checks that run after a build.

One place reads text out of HTML: the page is parsed as a browser parses it
(HTML5, by Lexbor through selectolax) into a tree, and text a reader does not see
does not count:

* inside ``<script>``, ``<style>``, ``<template>``, ``<noscript>`` or ``<head>``;
* inside an element with ``hidden``, ``aria-hidden="true"`` or an inline style
  that hides it (``display: none``, ``visibility: hidden``, ``opacity: 0``,
  ``font-size: 0``, ``color: transparent``, ``content-visibility: hidden``, a
  height or width of zero or a pixel with ``overflow: hidden``, a ``clip`` or
  ``clip-path`` that leaves nothing, ``transform: scale(0)``, or ``display``,
  ``visibility`` or ``content-visibility`` set by a function, ``var(--x)``);
* inside a closed ``<details>`` (its ``<summary>`` aside);
* inside an element given a shadow root (``<template shadowrootmode>``), its own
  text too, but for the root (which is a ``<template>``'s content: not read);
* inside an element that a rule of the site's own stylesheets, of a ``<style>`` in
  the page, or of a stylesheet either brings from a ``data:`` address (``@import``,
  ``<link>``), hides the same ways, matched with real CSS selectors
  (cssselect2), outside ``@media`` or in ``@media`` rules that may apply on some
  screen or on paper (``screen``, ``print``, ``not print``, and for some widths or
  settings only, ``(max-width: 30em)``, ``(prefers-color-scheme: dark)``: text hidden
  on a phone or on the printout reaches no one reading it there); not those for
  another medium only (``speech``); a rule nested in another (CSS nesting) or in
  ``@scope`` read with what it is nested in (``.a { > .b {} }`` is ``.a > .b``, and
  hides ``.b``, not ``.a``; a plain selector in ``@scope`` is read alone, wider);
  attributes whose values HTML compares without regard to case (``[lang=NB]``)
  compared so (not within ``:not()``, where SVG elements compare them as they are);
  ``@starting-style`` read as applying; a namespace prefix (``svg|text``) read as any
  namespace; stylesheets decoded as a browser decodes them (byte order mark,
  ``@charset``, a ``data:`` address's charset or base64); CSS, or a page, nested
  deeper than Python recurses taken to hide everything;
* for a page: anything outside its ``<article>``, or under an ancestor hidden so;
* anything, under a hiding rule whose selector cssselect2 reads but cannot match
  (``[*|x]``); a selector with a pseudo-class it does not know (``:-webkit-any()``,
  which Chromium knows) is read with that pseudo-class matching any element, so
  that it hides at least what it hides in a browser, and one of a pseudo-element it
  does not know (``::details-content``) as its element; one of a part of a scroll
  bar or form control (``::-webkit-scrollbar``) hides no text; one that is no
  selector at all (a browser drops its rule) matches nothing.

Material's own stylesheets are not read (they hide their controls, not content);
text moved off screen or covered by another element is not detected.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree

import cssselect2
import tinycss2
from selectolax.lexbor import LexborHTMLParser
from tinycss2.bytes import decode_stylesheet_bytes

from sopkit.source.text import normalize

Element = ElementTree.Element

_NEVER_SHOWN = {"script", "style", "template", "noscript", "head", "title", "iframe",
                "noembed", "noframes", "datalist", "rp", "video", "audio", "canvas",
                "object"}
"""Elements whose content is not on screen (for ``object``, ``video``, ``audio`` and
``canvas``: fallback content, shown only where they fail)."""
_SVG_TEXT = {"text", "tspan", "textpath"}
"""Where text inside an ``<svg>`` is drawn (and in its ``foreignObject``)."""
_BLOCK = {"p", "div", "li", "ol", "ul", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
          "br", "hr", "table", "tr", "td", "th", "pre", "section", "article", "nav", "header",
          "footer", "aside", "details", "summary", "label", "button", "input", "textarea",
          "select", "option", "blockquote", "figure", "figcaption", "main", "caption"}
_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(hidden|collapse)|opacity\s*:\s*0*\.?0+\s*(;|!|$)"
    r"|font-size\s*:\s*0*\.?0+[a-z%]*\s*(;|!|$)|(?<![-\w])color\s*:\s*transparent"
    r"|content-visibility\s*:\s*hidden", re.IGNORECASE)
_UNKNOWN_DISPLAY = re.compile(
    r"(?<![-\w])(display|visibility|content-visibility)\s*:[^;]*\(", re.IGNORECASE)
"""A property that hides by some values, set by a function (``var(--d)``, ``env()``,
``if()``, ``attr()``, a custom ``--f()``): it may hide (the function is not followed;
the keywords these properties take are no functions)."""
_ZERO_HEIGHT = re.compile(
    r"(?<![-\w])(max-)?(height|width)\s*:\s*(0*\.?0+[a-z%]*|0*(\.\d+)?px|0*1(\.0*)?px)\s*(;|!|$)",
    re.IGNORECASE)
"""A box of no size, or of a pixel (the "visually hidden" idiom), in either direction."""
_OVERFLOW_HIDDEN = re.compile(r"overflow(-[xy])?\s*:\s*(hidden|clip)", re.IGNORECASE)
_NOTHING_LEFT = re.compile(
    r"clip-path\s*:\s*(inset\(\s*(5\d|[6-9]\d|\d{3,})(\.\d*)?%|(circle|ellipse)\(\s*0*\.?0+"
    r"[a-z%]*\s*[)a-z0]|polygon\(\s*[^,()]*\))"
    r"|transform\s*:[^;]*scale[xy]?\(\s*0*\.?0+\s*[,)]", re.IGNORECASE)
"""A clip path that leaves nothing (an inset of half the box or more, a circle of no
radius, a polygon of one point), or a transform that scales to nothing."""
_CLIP_RECT = re.compile(r"(?<![-\w])clip\s*:\s*rect\(([^)]*)\)", re.IGNORECASE)
_HIDING_PROPERTIES = ("display", "visibility", "opacity", "font-size", "color", "height",
                      "width", "clip", "transform")
"""Every property the patterns above read (``clip`` also spells ``clip-path``,
``height`` ``max-height``): a stylesheet naming none of them hides nothing by itself."""
_READ_MEDIA = frozenset({"all", "screen", "print"})
"""The media types staff read a page on: a screen, and its printout."""
_QUERY = re.compile(r"(?:(only|not)\s+)?([a-z-]+)(\s+and\s.*)?", re.IGNORECASE | re.DOTALL)
"""A media query naming a media type: ``only``/``not``, the type, its conditions."""


def _may_apply(queries: str) -> bool:
    """Whether a rule under ``@media queries`` may apply on some screen or on paper:
    one query of the list may. A query of conditions alone (``(max-width: 30em)``,
    ``(prefers-color-scheme: dark)``), or for screens or print with conditions (``screen
    and (min-width: 60em)``), may: text hidden on a phone, in dark mode or on the
    printout does not reach the staff reading it so. A query for another medium only
    (``speech``, ``not all``) is not read, nor one that is none (a browser reads it as
    ``not all``)."""
    return any(_query_may_apply(query.strip()) for query in queries.split(","))


def _query_may_apply(query: str) -> bool:
    if not query or query.startswith("(") or re.match(r"not\s*\(", query, re.IGNORECASE):
        return True  # no media type: any device, under its conditions
    match = _QUERY.fullmatch(query)
    if match is None:
        return False
    prefix, kind, conditions = match.group(1, 2, 3)
    if (prefix or "").lower() == "not":  # not (type and conditions)
        return kind.lower() != "all" or conditions is not None
    return kind.lower() in _READ_MEDIA


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


def hides(declarations: str) -> bool:
    """Whether CSS declarations hide an element's text."""
    return bool(_HIDING.search(declarations) or _UNKNOWN_DISPLAY.search(declarations)
                or _NOTHING_LEFT.search(declarations) or _clipped(declarations)
                or (_ZERO_HEIGHT.search(declarations)
                    and _OVERFLOW_HIDDEN.search(declarations)))


def _clipped(declarations: str) -> bool:
    """Whether ``clip: rect(top, right, bottom, left)`` leaves nothing (``rect(0 0 0 0)``,
    the "visually hidden" idiom): its bottom at or above its top, or its right at or
    left of its left, in pixels (``auto`` is the box's edge)."""
    for match in _CLIP_RECT.finditer(declarations):
        edges = [value.strip().lower() for value in re.split(r"[\s,]+", match.group(1).strip())]
        if len(edges) != 4:
            continue
        numbers = [float(m.group(1)) if (m := re.fullmatch(r"(-?\d*\.?\d+)(px)?", v)) else None
                   for v in edges]
        top, right, bottom, left = numbers
        if (top is not None and bottom is not None and bottom <= top) or (
                left is not None and right is not None and right <= left):
            return True
    return False


@lru_cache(maxsize=1024)
def _style_hides(style: str) -> bool:
    """Whether a ``style`` attribute hides its element, read as CSS (comments and
    escapes spelling a property are read as a browser reads them)."""
    if not style:
        return False
    try:
        return _hide(tinycss2.parse_declaration_list(style, skip_comments=True,
                                                     skip_whitespace=True))
    except RecursionError:  # nested deeper than Python recurses: taken to hide
        return True


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Tree:
    """A parsed document: its root and each element's parent (ElementTree has none)."""

    root: Element
    parents: dict[Element, Element]

    def ancestors(self, element: Element) -> list[Element]:
        """``element``'s ancestors, its parent first."""
        found = []
        parent = self.parents.get(element)
        while parent is not None:
            found.append(parent)
            parent = self.parents.get(parent)
        return found

    @cached_property
    def styles(self) -> list[str]:
        """The CSS of every ``<style>`` of the page, and of every stylesheet it links from
        a ``data:`` address (those it links from files are the site's, or not its own)."""
        return [*(element.text or "" for element in self.root.iter("style")), *self.linked]

    @cached_property
    def linked(self) -> list[str]:
        """The CSS of every stylesheet the page links from a ``data:`` address."""
        found = []
        for link in self.root.iter("link"):
            if "stylesheet" in link.get("rel", "").lower().split():
                css = _data(link.get("href", ""))
                if css is not None:
                    found.append(css)
        return found


def _parse(html: str) -> _Tree:
    """``html`` as a browser builds it: Lexbor's HTML5 parser (selectolax), then the
    same tree in ElementTree for the rest (CSS selectors, walking), names in lower case.
    Comments and the content of ``<template>`` are left out."""
    # With scripting on, as in a browser: <noscript> holds text, not elements.
    document = LexborHTMLParser(html, scripting=True).root if html.strip() else None
    if document is None:
        root = ElementTree.Element("html")
        return _Tree(root, {})
    root = ElementTree.Element((document.tag or "html").lower(), _attributes(document))
    parents: dict[Element, Element] = {}
    stack = [(document, root)]
    while stack:
        node, element = stack.pop()
        last: Element | None = None
        child = node.child
        while child is not None:
            tag = child.tag
            if tag == "-text":
                text = child.text_content or ""
                if last is None:
                    element.text = (element.text or "") + text
                else:
                    last.tail = (last.tail or "") + text
            elif tag and tag[0] not in "-_!":  # not a comment or a doctype
                # SVG keeps names such as foreignObject in mixed case; CSS selectors are
                # matched in lower case.
                last = ElementTree.SubElement(element, tag.lower(), _attributes(child))
                parents[last] = element
                stack.append((child, last))
            child = child.next
    return _Tree(root, parents)


def _attributes(node: Any) -> dict[str, str]:
    return {name.lower(): value or "" for name, value in node.attributes.items()}


# ---------------------------------------------------------------- what hides


@dataclass(frozen=True)
class Stylesheets:
    """The hiding rules of some stylesheets, as compiled selectors, and the names of
    the attributes those selectors read (``None``: any, see :func:`view_key`)."""

    selectors: tuple[Any, ...] = ()
    attributes: frozenset[str] | None = None

    def matcher(self, extra_css: Iterable[str] = ()) -> cssselect2.Matcher | None:
        """A matcher of these rules and those of ``extra_css`` (a page's ``<style>``s);
        the same for every page with the same styles, so made once."""
        return _matcher_of(self.selectors, _hiding_css(extra_css))

    def attributes_with(self, extra_css: Iterable[str] = ()) -> frozenset[str] | None:
        """The names of the attributes these rules and those of ``extra_css`` select by
        (``None``: any)."""
        return _union([self.attributes, *map(_attributes_read, _hiding_css(extra_css))])


NO_RULES = Stylesheets((), frozenset())


def _hiding_css(extra_css: Iterable[str]) -> tuple[str, ...]:
    # A page's own <style> (each procedure page has one, for its printed footer) that
    # cannot hide anything adds no rule: the matcher of the site's rules is made once.
    return tuple(css for css in extra_css if _may_hide(css))


_MAY_HIDE = re.compile("|".join([*_HIDING_PROPERTIES, "@import", r"\\", r"/\*"]),
                       re.IGNORECASE)


def _may_hide(css: str) -> bool:
    """Whether ``css`` may have a rule that hides text: it names a property that can
    (:data:`_HIDING_PROPERTIES`), imports a stylesheet, or has an escape or a comment
    that could spell one (the rules are then read as tinycss2 reads them)."""
    return _MAY_HIDE.search(css) is not None


@lru_cache(maxsize=16)
def _matcher_of(selectors: tuple[Any, ...], extra_css: tuple[str, ...]
                ) -> cssselect2.Matcher | None:
    every = [*selectors, *(s for css in extra_css for s in _hiding_selectors(css))]
    if not every:
        return None
    matcher = cssselect2.Matcher()
    for selector in every:
        matcher.add_selector(selector, None)
    return matcher


def hidden_rules(stylesheets: Iterable[Path]) -> Stylesheets:
    """The rules of ``stylesheets`` that hide text on screen (see the module notes)."""
    sheets = [css_text(path.read_bytes()) for path in sorted(stylesheets)]
    return Stylesheets(tuple(s for css in sheets for s in _hiding_selectors(css)),
                       _union(_attributes_read(css) for css in sheets))


_GROUPING = {"layer", "supports", "container", "scope", "document", "starting-style"}
"""At-rules whose rules may apply on a screen: read as if they do."""


@lru_cache(maxsize=64)
def _hiding_preludes(css: str) -> tuple[Any, ...]:
    """The selector lists (as tokens) of the rules of ``css`` that hide text on screen,
    rules nested in others (CSS nesting) and in ``@scope`` among them, each with what
    it is nested in written out (:func:`_resolved`), and those of a stylesheet it
    imports from a ``data:`` address. CSS nested deeper than Python recurses is taken
    to hide everything."""
    found: list[Any] = []

    def visit(rules: list[Any], nested: bool, context: _Context) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                prelude = _resolved(rule.prelude, context)
                inside = _blocks(rule.content)
                if _hide(inside):
                    found.append(prelude)
                if any(block.type != "declaration" for block in inside):
                    visit(inside, True, _Context(_is(prelude), context.scope, True))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "import":
                imported = _imported(rule.prelude)
                if imported is not None:
                    visit(tinycss2.parse_stylesheet(imported, skip_comments=True,
                                                    skip_whitespace=True), False, context)
            elif rule.type == "at-rule" and rule.content is not None and (
                    rule.lower_at_keyword in _GROUPING or (
                        rule.lower_at_keyword == "media"
                        and _may_apply(_text(rule.prelude)))):
                within = context
                if rule.lower_at_keyword == "scope":
                    scope = _scope_root(rule.prelude, context)
                    within = _Context(scope, scope, False)
                if not nested and rule.lower_at_keyword != "scope":
                    visit(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                   skip_whitespace=True), False, within)
                    continue
                inside = _blocks(rule.content)
                if _hide(inside):  # declarations in it are the enclosing rule's, or in
                    # @scope the scope's root's
                    found.append(within.scope if within is not context else context.parent)
                visit(inside, True, within)

    try:
        visit(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True),
              False, _Context(_ROOT, _ROOT, False))
    except RecursionError:
        return (list(tinycss2.parse_component_value_list("*")),)
    return tuple(found)


def _text(prelude: list[Any]) -> str:
    """An at-rule's prelude as text, its tokens apart (a comment between two words
    parts them: ``screen/**/and``)."""
    return " ".join(str(tinycss2.serialize([t])) for t in prelude if t.type != "comment")


def _imported(prelude: list[Any]) -> str | None:
    """The CSS an ``@import`` brings from a ``data:`` address, if its media may apply
    (stylesheets it imports from files are read as the site's stylesheets, or are not
    the site's)."""
    tokens = [t for t in prelude if t.type not in ("whitespace", "comment")]
    if not tokens:
        return None
    first, rest = tokens[0], tokens[1:]
    address = (first.value if first.type in ("url", "string") else
               next((a.value for a in first.arguments if a.type == "string"), None)
               if first.type == "function" and first.lower_name == "url" else None)
    while rest and ((rest[0].type == "ident" and rest[0].lower_value == "layer") or (
            rest[0].type == "function" and rest[0].lower_name in ("layer", "supports"))):
        rest = rest[1:]  # a layer, or a condition read as met
    if address is None or (rest and not _may_apply(_text(rest))):
        return None
    return _data(address)


_URL_NOISE = re.compile(r"[\t\n\r]")
_EDGE_NOISE = "".join(map(chr, range(0x21)))


def _data(address: str) -> str | None:
    """The CSS of a ``data:`` address as a browser reads it (tabs and new lines
    anywhere, and control characters at the ends, left out; its charset, ``base64``,
    a byte order mark and ``@charset`` read), or None if it is no ``data:`` address."""
    address = _URL_NOISE.sub("", address).strip(_EDGE_NOISE)
    if address[:5].lower() != "data:":
        return None
    head, comma, body = address[5:].partition(",")
    if not comma:
        return None
    parameters = [p.strip().lower() for p in head.split(";")[1:]]
    raw = unquote_to_bytes(body)
    if "base64" in parameters:
        raw = re.sub(rb"[\t\n\f\r ]", b"", raw)
        try:
            raw = base64.b64decode(raw + b"=" * (-len(raw) % 4))
        except ValueError:
            return None
    charset = next((p.partition("=")[2].strip('"') for p in parameters
                    if p.startswith("charset=")), None)
    return css_text(raw, charset)


def css_text(data: bytes, charset: str | None = None) -> str:
    """A stylesheet's bytes as text, as a browser decodes them: a byte order mark, then
    ``charset`` (the protocol's), then ``@charset``, else UTF-8."""
    return str(decode_stylesheet_bytes(data, protocol_encoding=charset)[0])


def _scope_root(prelude: list[Any], context: _Context) -> list[Any]:
    """What ``:scope`` stands for in ``@scope (root) to (limit)``: the root, or any
    element when there is none (``@scope to (x)``, ``@scope``: the parent of the
    ``<style>``). The limit is not read (the rules are read as applying below it too)."""
    for token in prelude:
        if token.type == "ident" and token.lower_value == "to":
            break
        if token.type == "() block":
            return _is(_resolved(token.content, context))
    return list(_ANY_ELEMENT)


@dataclass(frozen=True)
class _Context:
    """Where a rule is: what ``&`` stands for (the rule it is nested in, else the
    scope's root), what ``:scope`` stands for (``@scope``'s root, else ``:root``), and
    whether a selector without ``&`` is taken as after ``& `` (nested in a rule)."""

    parent: list[Any]
    scope: list[Any]
    nested: bool


_ROOT = list(tinycss2.parse_component_value_list(":root"))
_ANY_ELEMENT = tuple(tinycss2.parse_component_value_list(":is(*)"))
_DESCENDANT = list(tinycss2.parse_component_value_list(" "))
_COMBINATORS = {">", "+", "~"}


def _blocks(content: list[Any]) -> list[Any]:
    """The declarations and the rules nested in a rule's ``content``."""
    return list(tinycss2.parse_blocks_contents(content, skip_comments=True,
                                               skip_whitespace=True))


def _hide(blocks: list[Any]) -> bool:
    """Whether the declarations among ``blocks`` (parsed by tinycss2: comments and
    escapes spelling a property read as a browser reads them) hide text."""
    return hides(";".join(
        f"{d.lower_name}:{tinycss2.serialize(d.value)}{' !important' if d.important else ''}"
        for d in blocks if d.type == "declaration"))


def _is(selectors: list[Any]) -> list[Any]:
    """``:is(selectors)``, matching what they match, or any element if the selector
    engine cannot read them (so that it matches at least as much)."""
    if not all(_compiled(tokens, widen=False) for tokens in _each_selector(selectors)):
        return list(_ANY_ELEMENT)
    return list(tinycss2.parse_component_value_list(f":is({tinycss2.serialize(selectors)})"))


def _resolved(prelude: list[Any], context: _Context) -> list[Any]:
    """A rule's selector list read without what it is nested in: each ``&`` and
    ``:scope`` written out (within ``:is()`` and the like too); a selector nested in a
    rule without ``&`` put after it (``.a { > .b {} }`` is ``.a > .b``; ``.a { .b {} }``
    is ``.a .b``); one in ``@scope`` that starts with a combinator put after the scope's
    root. Rules at the top level, where both stand for the document's root, are read
    the same way."""
    selectors = []
    for tokens in _each_selector(prelude):
        read, written = _written_out(tokens, context)
        first = next((t for t in read if t.type not in ("whitespace", "comment")), None)
        relative = first is not None and first.type == "literal" and first.value in _COMBINATORS
        if not written and context.nested:
            read = [*context.parent, *([] if relative else _DESCENDANT), *read]
        elif not written and relative:
            read = [*context.scope, *read]
        selectors.append(read)
    joined: list[Any] = []
    for read in selectors:
        joined += [*(tinycss2.parse_component_value_list(",") if joined else []), *read]
    return joined


def _written_out(tokens: list[Any], context: _Context) -> tuple[list[Any], bool]:
    """``tokens`` with each ``&`` and ``:scope`` written out, and whether there was one."""
    read: list[Any] = []
    written = False
    at = 0
    while at < len(tokens):
        token = tokens[at]
        after = tokens[at + 1] if at + 1 < len(tokens) else None
        if token.type == "literal" and token.value == "&":
            read += context.parent
            written = True
        elif (_is_colon(token) and after is not None and after.type == "ident"
              and after.lower_value == "scope" and not (read and _is_colon(read[-1]))):
            read += context.scope
            written = True
            at += 1
        elif token.type == "function":
            arguments, inside = _written_out(token.arguments, context)
            if inside:
                token = tinycss2.ast.FunctionBlock(token.source_line, token.source_column,
                                                   token.name, arguments)
                written = True
            read.append(token)
        else:
            read.append(token)
        at += 1
    return read, written


@lru_cache(maxsize=64)
def _hiding_selectors(css: str) -> tuple[Any, ...]:
    found: list[Any] = []
    for prelude in _hiding_preludes(css):
        for selector in _each_selector(prelude):  # one unread leaves the others read
            try:
                found.extend(_compiled(_case_folded(selector), widen=True))
            except RecursionError:  # nested deeper than Python recurses
                found.extend(_compiled(list(_ANY_ELEMENT), widen=False))
    return tuple(found)


_CASE_INSENSITIVE = frozenset({
    "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset",
    "checked", "clear", "codetype", "color", "compact", "declare", "defer", "dir",
    "direction", "disabled", "enctype", "face", "frame", "hreflang", "http-equiv",
    "lang", "language", "link", "media", "method", "multiple", "nohref", "noresize",
    "noshade", "nowrap", "readonly", "rel", "rev", "rules", "scope", "scrolling",
    "selected", "shape", "target", "text", "type", "valign", "valuetype", "vlink"})
"""Attributes whose values an HTML page's selectors compare without regard to case
(HTML, "case-sensitivity of selectors"): ``[lang=NB]`` matches ``lang="nb"``."""
_MATCHES = frozenset({"=", "~=", "|=", "^=", "$=", "*="})
_I_FLAG = tuple(tinycss2.parse_component_value_list(" i"))


def _case_folded(tokens: list[Any], negated: bool = False) -> list[Any]:
    """``tokens``, a selector, with the ``i`` flag on each attribute selector of
    :data:`_CASE_INSENSITIVE` that has no flag, as a browser reads them on HTML elements
    (cssselect2 compares every value with regard to case). Not within ``:not()`` (an odd
    number of them): a browser compares with regard to case on other elements (SVG),
    and there the flag would match less."""
    read: list[Any] = []
    for token in tokens:
        if token.type == "function" and token.lower_name in _COUNTING and _folds(
                token.arguments):
            # which siblings count changes both ways: read as any element (or, within
            # :not(), as none)
            token = tinycss2.ast.FunctionBlock(
                token.source_line, token.source_column, "not" if negated else "is",
                [tinycss2.ast.LiteralToken(token.source_line, token.source_column, "*")])
        elif token.type == "function":
            token = tinycss2.ast.FunctionBlock(
                token.source_line, token.source_column, token.name,
                _case_folded(token.arguments, negated ^ (token.lower_name == "not")))
        elif token.type == "[] block" and not negated:
            token = _folded_attribute(token)
        read.append(token)
    return read


_COUNTING = frozenset({"nth-child", "nth-last-child"})
"""Pseudo-classes that count the siblings a selector matches (``:nth-child(1 of S)``)."""


def _folds(tokens: list[Any]) -> bool:
    """Whether :func:`_case_folded` would change an attribute selector in ``tokens``."""
    return any((token.type == "[] block" and _folded_attribute(token) is not token)
               or (token.type == "function" and _folds(token.arguments)) for token in tokens)


def _folded_attribute(block: Any) -> Any:
    parts = [t for t in block.content if t.type not in ("whitespace", "comment")]
    at = next((i for i, t in enumerate(parts) if t.type == "literal" and t.value in _MATCHES),
              None)
    if (at is None or at == 0 or len(parts) != at + 2 or parts[at - 1].type != "ident"
            or parts[at - 1].lower_value not in _CASE_INSENSITIVE
            or (at >= 2 and parts[at - 2].type == "literal")):  # a namespace: ns|lang
        return block
    return tinycss2.ast.SquareBracketsBlock(block.source_line, block.source_column,
                                            [*block.content, *_I_FLAG])


def _compiled(tokens: list[Any], *, widen: bool) -> list[Any]:
    """``tokens``, one selector, compiled: one cssselect2 reads but cannot match (such as
    ``[*|x]``) is taken to hide anything; one it cannot read is :func:`_widened` (with
    ``widen``), else matches nothing."""
    try:
        return list(cssselect2.compile_selector_list(tokens))
    except NotImplementedError:
        return list(cssselect2.compile_selector_list("*"))
    except Exception:  # SelectorError; on some malformed selectors (":has()",
        # ":nth-child(+)") cssselect2 fails otherwise: SyntaxError, RuntimeError ...
        return _widened(tokens) if widen else []



def _widened(tokens: list[Any]) -> list[Any]:
    """A selector cssselect2 cannot read, read so as to match at least what a browser
    matches by it: each pseudo-class cssselect2 does not know (``:-webkit-any()``,
    ``:dir()``, ``:popover-open``, or a known one holding such, ``:not(:-webkit-any(x))``)
    is taken to match any element; each pseudo-element it does not know
    (``::details-content``) is left out, so that the selector matches the element
    (as a known one, ``::first-line``, does). The proof is then stricter than a
    browser, never more lenient. A selector of a part drawn for a scroll bar or a
    form control (:data:`_NO_TEXT`, ``::-webkit-scrollbar``) hides no text. What is
    not a selector even so (a browser drops its rule) hides nothing. A namespace prefix
    (``svg|text``, declared by ``@namespace``, which is not read) is read as any."""
    tokens = _any_namespace(tokens)
    read: list[Any] = []
    at = 0
    while at < len(tokens):
        token, after = tokens[at], tokens[at + 1] if at + 1 < len(tokens) else None
        if _is_colon(token) and after is not None and _is_colon(after):
            name = tokens[at + 2] if at + 2 < len(tokens) else None
            if name is None or name.type not in ("ident", "function"):
                return []  # no selector: a browser drops the rule
            pseudo = [token, after, name]
            if _compiled([*tinycss2.parse_component_value_list("*"), *pseudo], widen=False):
                read += pseudo  # known: matches its element
            elif _NO_TEXT.fullmatch(name.lower_value if name.type == "ident"
                                    else name.lower_name):
                return []
            at += 3
            continue
        if _is_colon(token) and after is not None and after.type in ("ident", "function"):
            known = _compiled([*tinycss2.parse_component_value_list("*"), token, after],
                              widen=False)
            read += [token, after] if known else _ANY_ELEMENT
            at += 2
            continue
        read.append(token)
        at += 1
    return _compiled(read, widen=False)


def _any_namespace(tokens: list[Any]) -> list[Any]:
    """``tokens`` with each namespace prefix (``svg|text``, ``[xlink|href]``) made ``*``."""
    read: list[Any] = []
    for at, token in enumerate(tokens):
        after = tokens[at + 1] if at + 1 < len(tokens) else None
        if (token.type == "ident" and after is not None and after.type == "literal"
                and after.value == "|"):
            token = tinycss2.ast.LiteralToken(token.source_line, token.source_column, "*")
        elif token.type == "[] block":
            token = tinycss2.ast.SquareBracketsBlock(token.source_line, token.source_column,
                                                     _any_namespace(token.content))
        read.append(token)
    return read


_NO_TEXT = re.compile(
    r"-webkit-scrollbar(-[a-z-]+)?|-webkit-resizer|-webkit-(inner|outer)-spin-button"
    r"|-webkit-search-[a-z-]+|-webkit-calendar-picker-indicator|-webkit-details-marker"
    r"|-webkit-file-upload-button|-webkit-input-placeholder|-moz-placeholder"
    r"|-moz-focus-inner|-ms-(clear|reveal|expand)|backdrop")
"""Pseudo-elements that cssselect2 does not know whose boxes never hold an element's
text: parts of scroll bars and form controls, placeholders, a dialog's backdrop."""


def _is_colon(token: Any) -> bool:
    return bool(token.type == "literal" and token.value == ":")


def _each_selector(prelude: list[Any]) -> list[list[Any]]:
    """The selectors of a rule's selector list, apart (as tokens)."""
    selectors: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [tokens for tokens in selectors
            if any(token.type not in ("whitespace", "comment") for token in tokens)]


_STRUCTURAL = frozenset({
    "not", "is", "where", "matches", "any", "has", "root", "scope", "empty",
    "first-child", "last-child", "only-child", "nth-child", "nth-last-child",
    "first-of-type", "last-of-type", "only-of-type", "nth-of-type", "nth-last-of-type"})
"""Pseudo-classes that read no attribute: an element's place among the others, whether
it has text or children (``empty``), and selectors within (their own names are read)."""


@lru_cache(maxsize=64)
def _attributes_read(css: str) -> frozenset[str] | None:
    """The names of the attributes the hiding rules of ``css`` select by (``None``: a
    rule names a pseudo-class or pseudo-element that may read any)."""
    names: set[str] = set()

    def visit(tokens: Iterable[Any]) -> bool:
        colons = 0  # before this token
        for token in tokens:
            if token.type == "literal" and token.value == ":":
                colons += 1
                continue
            if colons == 1 and token.type in ("ident", "function"):
                name = token.lower_value if token.type == "ident" else token.lower_name
                if name not in _STRUCTURAL:
                    return False  # :lang(), :checked, :link ... read attributes
            elif colons > 1 and token.type == "function":
                return False  # ::part(), ::slotted(): (a pseudo-element such as ::before
                # reads nothing)
            if token.type == "[] block":
                names.update(t.lower_value for t in token.content if t.type == "ident")
            inner = (token.arguments if token.type == "function" else
                     token.content if token.type in ("() block", "{} block") else ())
            if not visit(inner):
                return False
            colons = 0
        return True

    try:
        if not all(visit(prelude) for prelude in _hiding_preludes(css)):
            return None
    except RecursionError:  # nested deeper than Python recurses: any may be read
        return None
    return frozenset(names)


def _union(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    found: set[str] = set()
    for names in sets:
        if names is None:
            return None
        found |= names
    return frozenset(found)


# ---------------------------------------------------------------- text


@dataclass(frozen=True)
class Shown:
    """A visible picture or link: its address, and its alternative text or link text."""

    tag: str
    url: str
    text: str


def _visible_parts(tree: _Tree, rules: Stylesheets, *, article: bool,
                   shown: list[Shown] | None = None
                   ) -> Iterator[tuple[str, Element | None]]:
    """The visible text of ``root`` (or of its ``<article>`` elements) in document order,
    with the ``<code>`` it is in.

    ``shown``: a list that gets every visible ``<img>`` and ``<a>``, in order."""
    root = tree.root
    matcher = rules.matcher(tree.styles)
    tops = _articles(tree) if article else [root]
    matched: set[Element] = set()
    if matcher is not None:
        wrapper = cssselect2.ElementWrapper.from_html_root(root)
        try:
            matched = {w.etree_element for w in _relevant(wrapper, tree, tops)
                       if matcher.match(w)}
        except RecursionError:  # a page nested deeper than cssselect2 recurses
            matched = set(root.iter())
    links: list[list[str]] = []  # the text so far of each open link
    hosts = _shadow_hosts(tree)

    def hidden(element: Element, parent: Element | None) -> bool:
        attrs = element.attrib
        return (element.tag in _NEVER_SHOWN or "hidden" in attrs or parent in hosts
                or attrs.get("aria-hidden", "").strip().lower() == "true"
                or _style_hides(attrs.get("style", "")) or element in matched
                or (element.tag == "dialog" and "open" not in attrs)
                or (parent is not None and parent.tag == "details" and "open" not in
                    parent.attrib and element is not parent.find("summary")))

    def text(part: str, code: Element | None
             ) -> tuple[str, Element | None]:
        for link in links:
            link.append(part)
        return part, code

    def walk(top: Element, parent: Element | None, code: Element | None, drawn: bool
             ) -> Iterator[tuple[str, Element | None]]:
        """``top`` and all in it, in document order (with a stack of its own: a page may
        nest deeper than Python recurses). ``drawn``: whether text directly in the
        element at hand is on screen (inside an ``<svg>``, only in ``<text>`` and
        ``foreignObject``)."""
        stack: list[Any] = [(_ENTER, top, parent, code, drawn)]
        while stack:
            event = stack.pop()
            if event[0] is _TEXT:
                yield text(event[1], event[2])
                continue
            if event[0] is _LEAVE:
                _, element, link, block = event
                if block:
                    yield text(" ", None)
                if link and shown is not None:
                    shown.append(Shown("a", element.get("href", ""),
                                       normalize("".join(links.pop()))))
                continue
            _, element, parent, code, drawn = event
            if hidden(element, parent):
                continue
            tag = element.tag
            drawn = _draws(tag, drawn)
            link = shown is not None and tag == "a"
            if shown is not None and tag == "img":
                shown.append(Shown("img", element.get("src", ""),
                                   normalize(element.get("alt", ""))))
            if link:
                links.append([])
            code = element if tag == "code" else code
            # a closed <details> shows its summary, a shadow host its shadow root
            closed = (tag == "details" and "open" not in element.attrib) or element in hosts
            block = tag in _BLOCK
            if block:
                yield text(" ", None)
            if element.text and not closed and drawn:
                yield text(element.text, code)
            stack.append((_LEAVE, element, link, block))
            for child in reversed(element):
                if child.tail and not closed and drawn:
                    stack.append((_TEXT, child.tail, code))
                stack.append((_ENTER, child, element, code, drawn))

    for top in tops:
        # Only what is in the article is walked; what is around it (Material's header,
        # navigation and footer, most of a page) only hides it when an ancestor is hidden.
        chain = [*reversed(tree.ancestors(top)), top]
        parents = [None, *chain[:-1]]
        if any(hidden(element, parent) for parent, element in zip(parents, chain, strict=True)):
            continue
        code = next((a for a in reversed(chain[:-1]) if a.tag == "code"), None)
        yield from walk(top, tree.parents.get(top), code, _drawn(chain[:-1]))


_ENTER, _TEXT, _LEAVE = object(), object(), object()
"""What :func:`_visible_parts` does next: enter an element, give a text, leave one."""


def _draws(tag: str, drawn: bool) -> bool:
    """Whether text directly in a ``tag`` element is drawn, ``drawn`` telling it for its
    parent: not in an ``<svg>`` but in its ``<text>`` or ``foreignObject``."""
    if tag == "svg":
        return False
    return drawn or tag == "foreignobject" or tag in _SVG_TEXT


def _drawn(ancestors: list[Element]) -> bool:
    """:func:`_draws` for an element under ``ancestors`` (outermost first)."""
    drawn = True
    for element in ancestors:
        drawn = _draws(element.tag, drawn)
    return drawn


def _shadow_hosts(tree: _Tree) -> set[Element]:
    """The elements given a shadow root in the page (a ``<template shadowrootmode>``
    child): a browser shows that root in their place, not their other children."""
    return {tree.parents[template] for template in tree.root.iter("template")
            if template in tree.parents
            and ("shadowrootmode" in template.attrib or "shadowroot" in template.attrib)}


def _articles(tree: _Tree) -> list[Element]:
    """The ``<article>`` elements not inside another, in document order."""
    return [element for element in tree.root.iter("article")
            if not any(a.tag == "article" for a in tree.ancestors(element))]


def _relevant(wrapper: cssselect2.ElementWrapper, tree: _Tree, tops: list[Element]
              ) -> Iterator[cssselect2.ElementWrapper]:
    """The elements whose being hidden matters: ``tops``, what is in them and their
    ancestors (for a page's articles, Material's header, navigation and footer are
    most of the page, and matching them costs)."""
    path = {ancestor for top in tops for ancestor in tree.ancestors(top)}
    targets = set(tops)
    stack = [wrapper]
    while stack:
        current = stack.pop()
        if current.etree_element in targets:
            yield from current.iter_subtree()  # the article and all in it
            continue
        yield current
        stack.extend(child for child in current.iter_children()
                     if child.etree_element in path or child.etree_element in targets)


def html_text(html: str, rules: Stylesheets = NO_RULES, *, article: bool = False) -> str:
    """The text a reader sees of ``html`` (see the module notes), blocks apart, inline
    elements joined, whitespace folded. ``article``: only the page's ``<article>``."""
    return page_view(html, rules, article=article)[0]


def page_view(html: str, rules: Stylesheets = NO_RULES, *, article: bool = False
              ) -> tuple[str, list[Shown]]:
    """:func:`html_text`, and every visible ``<img>`` (with its ``alt``) and ``<a>`` (with
    its visible text, after the pictures inside it), from one reading of the page."""
    return _view_of(_parse(html), rules, article=article)


def _view_of(tree: _Tree, rules: Stylesheets, *, article: bool) -> tuple[str, list[Shown]]:
    shown: list[Shown] = []
    text = normalize("".join(part for part, _ in _visible_parts(
        tree, rules, article=article, shown=shown)))
    return text, shown


def code_blocks(html: str, rules: Stylesheets = NO_RULES, *, article: bool = False
                ) -> set[str]:
    """The visible text of every ``<code>`` element."""
    codes: dict[Element, list[str]] = {}
    for text, code in _visible_parts(_parse(html), rules, article=article):
        if code is not None:
            codes.setdefault(code, []).append(text)
    return {"".join(parts) for parts in codes.values()}


# ---------------------------------------------------------------- what a view reads


_ALWAYS_READ = frozenset({"id", "class", "hidden", "aria-hidden", "style", "open",
                          "shadowrootmode", "shadowroot"})
"""Attributes read of an element whatever the rules: by the tests of what hides it
(:func:`_visible_parts`) and by cssselect2 to sort selectors (``id`` and ``class``)."""


def view_key(html: str, rules: Stylesheets = NO_RULES) -> str:
    """A digest of everything :func:`page_view` reads of ``html`` with ``article=True``
    under ``rules``: two pages with the same digest have the same view, so what a page
    shows may be kept by it (a change every page shows, such as the site's name in
    Material's header, leaves the proof nothing new to read).

    That is, in the tree :func:`_parse` makes: each top-level ``<article>`` whole (every
    element with all its attributes, every text); of the rest of the page, every element's
    name and place, its attributes that the tests of what hides it or a hiding rule
    (of ``rules`` or of a ``<style>`` in the page) may read (all of them when a rule
    names a pseudo-class that may read any), where it has text (``:empty`` reads
    that), and the text of every ``<style>``. Not the rest of the text outside the
    articles, which nothing reads. Nor ``rules`` themselves: the caller keys them."""
    return _tree_key(_parse(html), rules)


def page_reading(html: str, rules: Stylesheets = NO_RULES) -> tuple[str, list[Shown], str]:
    """:func:`page_view` of ``html`` with ``article=True``, and its :func:`view_key`, from
    one parse."""
    tree = _parse(html)
    return (*_view_of(tree, rules, article=True), _tree_key(tree, rules))


def _tree_key(tree: _Tree, rules: Stylesheets) -> str:
    """:func:`view_key` of a parsed page: its elements in document order, each with its
    number of children (which tells the tree), name, attributes and texts (its own and
    the one after it), as :func:`_visible_parts` reads them."""
    root = tree.root
    names = rules.attributes_with(tree.styles)
    read = None if names is None else names | _ALWAYS_READ
    tops = set(_articles(tree))
    inside = {element for top in tops for element in top.iter()}
    parts: list[Any] = []
    for element in root.iter():
        if element in inside:  # all of it, but for the text after an article
            parts.append((element.tag, element.attrib, len(element), element.text,
                          bool(element.tail) if element in tops else element.tail))
        else:
            attributes = element.attrib if read is None else {
                name: value for name, value in element.attrib.items() if name in read}
            text = element.text if element.tag == "style" else bool(element.text)
            parts.append((element.tag, attributes, len(element), text, bool(element.tail)))
    parts.append(tree.linked)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def body(html: str) -> str:
    """The ``<body>`` of an HTML document, or all of it."""
    found = _BODY.search(html)
    return found.group(1) if found else html
