"""The text of built HTML as a reader gets it, for the checks that run after a build.

One place reads text out of HTML: the site's and the ticket's verifiers and the
card's phrase check use it.
"""

from __future__ import annotations

import re
from html import unescape

from sopkit.source.text import normalize

_SKIP = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ol|ul|dl|dt|dd|h[1-6]|br|hr|table|tr|td|th|pre|section|article|nav|"
    r"header|footer|aside|details|summary|label|button|input|textarea|select|option)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.DOTALL)


def article(html: str) -> str:
    """The page's main content (Material's ``<article>``), or the whole page."""
    start = html.find("<article")
    end = html.rfind("</article>")
    return html[start:end] if 0 <= start < end else html


def body(html: str) -> str:
    """The ``<body>`` of an HTML document, or all of it."""
    found = _BODY.search(html)
    return found.group(1) if found else html


def inline_text(html: str) -> str:
    """The characters of an HTML fragment without its tags, entities decoded."""
    return unescape(_TAG.sub("", html))


def html_text(html: str) -> str:
    """The visible text of HTML: scripts and styles dropped, blocks apart, inline tags joined,
    whitespace folded."""
    return normalize(inline_text(_BLOCK_TAG.sub(" ", _SKIP.sub(" ", html))))


def code_blocks(html: str) -> set[str]:
    """The text of every ``<code>`` element."""
    return {inline_text(code) for code in _CODE.findall(html)}
