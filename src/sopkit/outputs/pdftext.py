"""The text of a PDF as a reader sees it, for the checks of cards and archival PDFs.

pdfminer lays the characters out into lines in reading order. A character
counts only if a reader can see it on paper: it lies inside the page's box
(the trimmed A5 page too) and is drawn in a colour with a contrast of at least
3:1 against white paper (all our PDFs print dark text on white or pale tints;
white or pale text, or text off the page, does not count). Text under a
clipping path is not detected.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTAnno, LTChar, LTPage, LTTextLine

from sopkit.source.text import normalize

MIN_CONTRAST = 3.0
_SLACK = 0.5  # points: glyph boxes may touch the page edge


def visible_text(pdf: bytes) -> str:
    """The visible text of every page, lines joined with spaces, whitespace folded."""
    lines: list[str] = []
    for page in extract_pages(io.BytesIO(pdf), laparams=LAParams()):
        assert isinstance(page, LTPage)
        for line in _lines(page):
            lines.append("".join(_visible(line, page)))
    return normalize(" ".join(lines))


def _lines(item: Any) -> Iterator[LTTextLine]:
    if isinstance(item, LTTextLine):
        yield item
        return
    for child in getattr(item, "_objs", None) or []:
        yield from _lines(child)


def _visible(line: LTTextLine, page: LTPage) -> Iterator[str]:
    x0, y0, x1, y1 = page.bbox
    for char in line:
        if isinstance(char, LTAnno):
            yield char.get_text()
        elif isinstance(char, LTChar):
            inside = (char.x0 >= x0 - _SLACK and char.x1 <= x1 + _SLACK
                      and char.y0 >= y0 - _SLACK and char.y1 <= y1 + _SLACK)
            yield char.get_text() if inside and _readable(char) else " "


def _readable(char: LTChar) -> bool:
    luminance = _luminance(char.graphicstate.ncolor)
    return luminance is None or (1.0 + 0.05) / (luminance + 0.05) >= MIN_CONTRAST


def _luminance(color: Any) -> float | None:
    """Relative luminance (WCAG) of a fill colour given as gray, RGB or CMYK components."""
    values = list(color) if isinstance(color, list | tuple) else [color]
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return None  # a pattern or an unknown colour space: assume visible
    if len(numbers) == 1:
        rgb = numbers * 3
    elif len(numbers) == 3:
        rgb = numbers
    elif len(numbers) == 4:
        c, m, y, k = numbers
        rgb = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    else:
        return None

    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(min(1.0, max(0.0, v))) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
