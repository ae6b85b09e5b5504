"""Card HTML to a one-page, tagged PDF with WeasyPrint, sandboxed and strict.

A :class:`CardRenderer` is made once per process: it shares one WeasyPrint
``FontConfiguration`` between cards (faster, and memory stays flat) and parses
the stylesheets once. Each card is laid out at the largest body text size of
:data:`BODY_PT` that fits on one page; when even the smallest does not fit,
rendering fails rather than printing two pages or tiny text. Any WeasyPrint
warning, any refused URL and any glyph drawn from a font other than the card
font fail the card too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import fontpkg_atkinson_hyperlegible as card_font
from weasyprint import CSS, HTML
from weasyprint import __version__ as WEASYPRINT_VERSION
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from .errors import SopkitError
from .fetcher import RefusedURL, SandboxFetcher

# Body text sizes to try, largest first; the last is the minimum. Headings are
# larger and the footer is never below 12 pt (see templates/card/card.css).
# One size per paper keeps every card on the walls alike (and each costs a
# full layout): A5 cards are meant for reading up close, at 12 pt.
BODY_PT: dict[str, tuple[int, ...]] = {"A4": (18, 17, 16), "A5": (12,)}
FONT_FAMILY: str = card_font.FAMILY
FONT_DIR = Path(card_font.ROOT)
FONT_FILES = {
    (400, "normal"): "AtkinsonHyperlegible-Regular.ttf",
    (400, "italic"): "AtkinsonHyperlegible-Italic.ttf",
    (700, "normal"): "AtkinsonHyperlegible-Bold.ttf",
    (700, "italic"): "AtkinsonHyperlegible-BoldItalic.ttf",
}
# Tagged PDF for screen readers, declared as PDF/UA-1 (WeasyPrint marks UA experimental).
PDF_OPTIONS: dict[str, object] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
CARD_CSS = "card.css"  # in templates/card/, applied to every card
LOGGER = logging.getLogger("weasyprint")
_EPSILON = 0.01  # CSS px; layout positions are floats


def font_version() -> str:
    """The card font's version, from the font package (for the render cache key)."""
    return (FONT_DIR / "metadata.json").read_text(encoding="utf-8")


def fonts_css() -> str:
    """``@font-face`` rules for the card font, from the font package's files."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(FONT_DIR / "files" / name).as_uri()}"); }}'
        for (weight, style), name in FONT_FILES.items()
    )


def size_css(size: str, body_pt: int) -> str:
    return f"@page {{ size: {size} portrait; }}\n:root {{ font-size: {body_pt}pt; }}\n"


class CardRenderer:
    """Lays out card HTML as PDF. Keep one per process and reuse it."""

    def __init__(self, project_root: Path, card_dir: Path) -> None:
        self.fetcher = SandboxFetcher([project_root, FONT_DIR])
        self.font_config = FontConfiguration()
        self.stylesheet = card_dir / CARD_CSS
        # Relative URLs in the card HTML and CSS resolve against the template folder.
        self.base_url = card_dir.resolve().as_uri() + "/"
        self._css: dict[str, CSS] = {}

    def render(self, html: str, size: str, label: str) -> bytes:
        """One page of PDF, or :class:`SopkitError` naming ``label``."""
        for body_pt in BODY_PT[size]:
            document = self._layout(html, size, body_pt, label)
            if fits_one_page(document, label):
                with self._strict(label):
                    pdf = document.write_pdf(**PDF_OPTIONS)
                self._check_fonts(document, label)
                return pdf
        raise SopkitError(
            f"{label}: the card does not fit on one {size} page, even with body text at "
            f"the minimum {BODY_PT[size][-1]} pt\n    hint: shorten the steps' 'card:' wording "
            "or the card's 'when:' line in the procedure's YAML"
        )

    def _layout(self, html: str, size: str, body_pt: int, label: str) -> Document:
        with self._strict(label):
            stylesheets = [self._stylesheet(fonts_css()),
                           self._stylesheet(self.stylesheet.read_text(encoding="utf-8")),
                           self._stylesheet(size_css(size, body_pt))]
            source = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
            return source.render(font_config=self.font_config, stylesheets=stylesheets,
                                 **PDF_OPTIONS)

    def _stylesheet(self, text: str) -> CSS:
        if text not in self._css:
            self._css[text] = CSS(string=text, base_url=self.base_url,
                                  url_fetcher=self.fetcher, font_config=self.font_config)
        return self._css[text]

    @contextmanager
    def _strict(self, label: str) -> Iterator[None]:
        """Turn WeasyPrint warnings and refused URLs into errors naming ``label``."""
        self.fetcher.refused.clear()
        records = _Collector()
        LOGGER.addHandler(records)
        try:
            yield
        except RefusedURL:
            pass  # recorded by the fetcher: reported below
        finally:
            LOGGER.removeHandler(records)
        if self.fetcher.refused:  # also those WeasyPrint caught (in SVG images)
            raise SopkitError(f"{label}: {self.fetcher.refused[0]}\n    hint: cards may only "
                              "use data: URLs and files inside the project or the card font "
                              "package")
        if records.messages:
            raise SopkitError(f"{label}: WeasyPrint reported problems:\n    "
                              + "\n    ".join(records.messages))

    @staticmethod
    def _check_fonts(document: Document, label: str) -> None:
        others = sorted({font.family for font in document.fonts.values()} - {FONT_FAMILY})
        if others:
            raise SopkitError(
                f"{label}: some text was set in {', '.join(others)} instead of {FONT_FAMILY}"
                "\n    hint: the card font lacks a character used in the text; "
                "use a plainer character (arrows and check marks are missing)"
            )


def fits_one_page(document: Document, label: str) -> bool:
    """One page, and ``<main>`` ends above the ``<footer>`` pinned to the page bottom."""
    if len(document.pages) != 1:
        return False
    found = {box.element_tag: box for box in document.pages[0]._page_box.descendants()
             if box.element is not None and box.element_tag in ("main", "footer")}
    if len(found) != 2:
        raise SopkitError(f"{label}: the card template needs one <main> and one <footer>")
    main, footer = found["main"], found["footer"]
    main_bottom = main.position_y + main.margin_height()
    page_bottom = document.pages[0]._page_box.content_box_y() + \
        document.pages[0]._page_box.height
    return main_bottom <= footer.position_y + _EPSILON and \
        footer.position_y + footer.margin_height() <= page_bottom + _EPSILON


class _Collector(logging.Handler):
    """Collects WeasyPrint's warnings and errors (not its progress messages)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname.lower()}: {record.getMessage()}")


__all__ = ["BODY_PT", "FONT_FAMILY", "WEASYPRINT_VERSION", "CardRenderer", "font_version"]
