"""The text of a PDF as a reader sees it, for the checks of cards and archival PDFs.

pdfminer lays the characters out into lines in reading order. A character
counts only if a reader can see it on paper: it lies inside the page's box
(the trimmed A5 page too), is at least :data:`MIN_SIZE` points high, is drawn
at least half opaque (the graphics state's fill alpha, ``/ca``, which pdfminer
does not track by itself), and in a colour with a contrast of at least 3:1
against white paper (all our PDFs print dark text on white or pale tints).
White, pale, transparent, tiny or off-page text does not count. Text under a
clipping path or covered by a shape is not detected. Text in drawings (SVG
figures, drawn as form XObjects) counts like any other.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTAnno, LTChar, LTImage, LTPage, LTTextLine
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import literal_name

from sopkit.source.text import normalize

MIN_CONTRAST = 3.0
MIN_SIZE = 3.0
"""Points: no text on our cards or archival PDFs is smaller (the A5 footer is about 6)."""
MIN_ALPHA = 0.5
_SLACK = 0.5  # points: glyph boxes may touch the page edge


class _State(PDFGraphicState):
    """pdfminer's graphics state, with the fill alpha."""

    def __init__(self) -> None:
        super().__init__()
        self.alpha = 1.0

    def copy(self) -> _State:
        state = _State()
        state.__dict__.update(self.__dict__)
        return state


class _Interpreter(PDFPageInterpreter):
    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        self.graphicstate = _State()

    def do_gs(self, name: Any) -> None:
        """Read the fill alpha (``/ca``) of a graphics state parameter dictionary."""
        try:
            states = resolve1((self.resources or {}).get("ExtGState"))
            params = resolve1(states[literal_name(name)])
            alpha = params.get("ca")
        except (KeyError, TypeError, AttributeError):
            return
        if isinstance(alpha, int | float) and isinstance(self.graphicstate, _State):
            self.graphicstate.alpha = float(alpha)


def visible_text(pdf: bytes) -> str:
    """The visible text of every page, lines joined with spaces, whitespace folded."""
    return read_pdf(pdf).text


@dataclass(frozen=True)
class PdfContent:
    text: str
    """The visible text, as :func:`visible_text`."""
    images: list[tuple[int, int]]
    """The size in pixels of every picture drawn on a page, at least :data:`MIN_IMAGE`
    points across and down."""
    drawn: str
    """All text on the pages, in any colour: a drawing's (an SVG picture's) white label
    on a dark box is drawn, though not dark on the paper."""


def read_pdf(pdf: bytes) -> PdfContent:
    """What a PDF shows: its visible text, its pictures and the text of its drawings."""
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
    interpreter = _Interpreter(manager, device)
    lines: list[str] = []
    images: list[tuple[int, int]] = []
    drawn: list[str] = []
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
        layout = device.get_result()
        for line in _lines(layout):
            lines.append("".join(_visible(line, layout)))
        images += _images(layout, layout)
        drawn += ("".join(_on_page(line, layout)) for line in _lines(layout))
    return PdfContent(normalize(" ".join(lines)), images, normalize(" ".join(drawn)))


MIN_IMAGE = 3.0
"""Points, as :data:`MIN_SIZE` for text: a picture squeezed smaller is not shown."""


def _on_page(line: LTTextLine, page: LTPage) -> Iterator[str]:
    x0, y0, x1, y1 = page.bbox
    for char in line:
        inside = isinstance(char, LTChar) and (
            char.x1 > x0 and char.x0 < x1 and char.y1 > y0 and char.y0 < y1)
        yield char.get_text() if inside or isinstance(char, LTAnno) else " "


def _images(item: Any, page: LTPage) -> Iterator[tuple[int, int]]:
    if isinstance(item, LTImage):
        x0, y0, x1, y1 = page.bbox
        on_page = (item.x1 > x0 and item.x0 < x1 and item.y1 > y0 and item.y0 < y1)
        if on_page and item.width >= MIN_IMAGE and item.height >= MIN_IMAGE:
            width, height = item.srcsize
            yield int(width), int(height)
        return
    for child in getattr(item, "_objs", None) or []:
        yield from _images(child, page)


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
    if char.size < MIN_SIZE or getattr(char.graphicstate, "alpha", 1.0) < MIN_ALPHA:
        return False
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
