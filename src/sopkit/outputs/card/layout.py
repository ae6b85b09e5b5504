"""Card HTML to one-page, tagged PDFs with WeasyPrint, sandboxed and strict.

A card is laid out once, on A4, and written twice: as it is for A4, and
reduced by 1/√2 for A5 (A-series paper scales by that factor, so the A5 card
is the A4 card made smaller: the same layout on both, for half the work).
The layout takes the largest body text size of :data:`BODY_PT` that fits on
one page; an A5 card needs at least :data:`MIN_PT_FOR_A5` on A4 to keep 12 pt
once reduced. When a card does not fit, rendering fails rather than printing
two pages or tiny text.

A :class:`CardRenderer` is made once per process: it shares one WeasyPrint
``FontConfiguration`` between cards (faster, and memory stays flat) and
parses the stylesheets once. Any WeasyPrint warning, any refused URL and any
glyph drawn from a font other than the card font fail the card too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pydyf
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from sopkit.outputs.card.paper import A5_ZOOM, PAPER
from sopkit.outputs.fetcher import SandboxFetcher, strict
from sopkit.outputs.pdf import FONT_FAMILY, font_dir, font_face_css
from sopkit.source.errors import ContentError, Finding, SopkitError

# Minimum body text per paper size, in points.
MIN_PT = {"A4": 16, "A5": 12}
# Body text sizes on A4 to try, largest first. Headings are larger and no text
# is smaller than 17 pt on A4 (12 pt on A5; see templates/card/card.css).
BODY_PT: tuple[int, ...] = (18, 17, 16)
MIN_PT_FOR_A5 = math.ceil(MIN_PT["A5"] / A5_ZOOM)  # 17 on A4 is 12.02 on A5

CARD_CSS = "card.css"  # in templates/card/, applied to every card
# Tagged PDF for screen readers, declared as PDF/UA-1 (WeasyPrint marks UA experimental).
PDF_OPTIONS: dict[str, object] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def size_css(body_pt: int) -> str:
    return f"@page {{ size: A4 portrait; }}\n:root {{ font-size: {body_pt}pt; }}\n"


class CardRenderer:
    """Lays out card HTML as PDF. Keep one per process and reuse it."""

    def __init__(self, project_root: Path, card_dir: Path) -> None:
        self.fetcher = SandboxFetcher([project_root, font_dir()])
        self.font_config = FontConfiguration()
        self.stylesheet = card_dir / CARD_CSS
        # Relative URLs in the card HTML and CSS resolve against the template folder.
        self.base_url = card_dir.resolve().as_uri() + "/"
        self._css: dict[str, CSS] = {}

    def render(self, html: str, sizes: Sequence[str], doc_id: str) -> dict[str, bytes]:
        """One page of PDF per size, or :class:`SopkitError` naming the card."""
        ladder = BODY_PT if "A5" not in sizes else tuple(p for p in BODY_PT
                                                          if p >= MIN_PT_FOR_A5)
        label = f"{doc_id} ({'A5' if 'A5' in sizes else 'A4'})"
        for body_pt in ladder:
            document = self._layout(html, body_pt, label)
            if fits_one_page(document, label):
                return {size: self._write(document, size, f"{doc_id} ({size})")
                        for size in sizes}
        size = "A5" if "A5" in sizes else "A4"
        over = math.ceil(overflow(document) * 100)
        longest = ", ".join(longest_steps(document, 3))
        raise ContentError([Finding(
            doc_id, ("card",), f"the wall card does not fit on one {size} page: with body "
            f"text at the minimum {MIN_PT[size]} pt it needs {over} % less height",
            f"shorten the card wording ('card:') of the longest steps ({longest}), or leave "
            "steps out with card.steps (or 'card: false' on a step), or shorten 'when:'")])

    def _layout(self, html: str, body_pt: int, label: str) -> Document:
        with strict(label, self.fetcher):
            stylesheets = [self._stylesheet(font_face_css()),
                           self._stylesheet(self.stylesheet.read_text(encoding="utf-8")),
                           self._stylesheet(size_css(body_pt))]
            source = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
            return source.render(font_config=self.font_config, stylesheets=stylesheets,
                                 **PDF_OPTIONS)

    def _write(self, document: Document, size: str, label: str) -> bytes:
        with strict(label, self.fetcher):
            pdf: bytes
            if size == "A4":
                pdf = document.write_pdf(**PDF_OPTIONS)
            else:
                pdf = document.write_pdf(zoom=A5_ZOOM, finisher=_exactly_a5, **PDF_OPTIONS)
        self._check_fonts(document, label)
        return pdf

    def _stylesheet(self, text: str) -> CSS:
        if text not in self._css:
            self._css[text] = CSS(string=text, base_url=self.base_url,
                                  url_fetcher=self.fetcher, font_config=self.font_config)
        return self._css[text]

    @staticmethod
    def _check_fonts(document: Document, label: str) -> None:
        others = sorted({font.family for font in document.fonts.values()} - {FONT_FAMILY})
        if others:
            raise SopkitError(
                f"{label}: some text was set in {', '.join(others)} instead of {FONT_FAMILY}"
                "\n    hint: the card font lacks a character used in the text; "
                "use a plainer character (check marks, emoji and most symbols outside Latin, "
                "Greek, punctuation, arrows and mathematics are missing)"
            )


def fits_one_page(document: Document, label: str) -> bool:
    """One page, and ``<main>`` ends above the ``<footer>`` pinned to the page bottom."""
    if len(document.pages) != 1:
        return False
    page = document.pages[0]._page_box
    found = {box.element_tag: box for box in page.descendants()
             if box.element is not None and box.element_tag in ("main", "footer")}
    if len(found) != 2:
        raise SopkitError(f"{label}: the card template needs one <main> and one <footer>")
    main, footer = found["main"], found["footer"]
    page_bottom = page.content_box_y() + page.height
    return bool(_bottom(main) <= footer.position_y + _EPSILON
                and footer.position_y + footer.margin_height() <= page_bottom + _EPSILON)


def _bottom(box: Any) -> float:
    """The lowest edge of ``box`` and everything in it: a float or an overflowing
    line may reach below the box itself."""
    edges: list[float] = [box.position_y + box.margin_height()]
    edges += [inner.position_y + inner.margin_height() for inner in box.descendants()
              if hasattr(inner, "margin_height")]
    return max(edges)


_EPSILON = 0.01  # CSS px; layout positions are floats


def _fragments(document: Document, tag: str) -> list[Any]:
    """Every page's boxes of elements ``tag`` (an element split across pages has one a page)."""
    return [box for page in document.pages for box in page._page_box.descendants()
            if box.element is not None and box.element_tag == tag]


def overflow(document: Document) -> float:
    """The share of ``<main>``'s height that does not fit above the footer of page one
    (0 when it fits): how much shorter the card must get."""
    mains, footers = _fragments(document, "main"), _fragments(document, "footer")
    needed = sum(_bottom(box) - box.position_y for box in mains)
    room = footers[0].position_y - mains[0].position_y
    return max(0.0, (needed - room) / needed) if needed else 0.0


def longest_steps(document: Document, count: int) -> list[str]:
    """The ids of the ``count`` top-level steps that take most height on the card."""
    heights: dict[str, float] = {}
    for box in _fragments(document, "li"):
        if box.element.get("value") is not None and box.element.get("data-step"):
            step = box.element.get("data-step")
            heights[step] = heights.get(step, 0.0) + box.margin_height()
    return sorted(heights, key=lambda step: -heights[step])[:count]


def _exactly_a5(document: Document, pdf: pydyf.PDF) -> None:
    """Trim the reduced A4 page (148.5 mm wide) to exactly A5, centred: 0.25 mm a side."""
    width, height = PAPER["A5"]
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        left, top, right, bottom = page["MediaBox"]
        x, y = left + (right - left - width) / 2, top + (bottom - top - height) / 2
        box = pydyf.Array([x, y, x + width, y + height])
        page["MediaBox"] = page["TrimBox"] = page["BleedBox"] = box


__all__ = ["BODY_PT", "MIN_PT", "PAPER", "CardRenderer"]
