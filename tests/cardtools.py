"""Helpers for the wall-card tests: read a rendered PDF the way a checker would."""

from __future__ import annotations

import io
import logging
import math
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from sopkit.source.text import normalize

# Page sizes in PDF points (1/72 in).
PAPER = {"A4": (595.276, 841.890), "A5": (419.528, 595.276)}


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """The page's words, whitespace folded (lines joined with a space)."""
    return normalize(" ".join(page.extract_text() for page in reader(pdf).pages))


def text_sizes(pdf: bytes) -> list[tuple[float, str]]:
    """Every piece of text on the first page with its size in points."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            m = _multiply(tm, cm)
            found.append((round(size * math.hypot(m[2], m[3]), 2), text.strip()))

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def fonts_of(pdf: bytes) -> dict[str, bool]:
    """Font name -> whether the font program is embedded, for every font used."""
    fonts: dict[str, bool] = {}
    for page in reader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:  # Type0: the descriptor is on the descendant font
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def page_image(pdf: bytes, dpi: int = 150) -> Image.Image:
    """The first page as poppler renders it."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-",
                        f"{folder}/page"], input=pdf, capture_output=True, check=True)
        with Image.open(f"{folder}/page.png") as image:
            image.load()
            return image


def barcodes(pdf: bytes) -> list[zxingcpp.Barcode]:
    return list(zxingcpp.read_barcodes(page_image(pdf)))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("weasyprint.progress"):
            self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def weasyprint_messages() -> Iterator[list[str]]:
    """Collect every message WeasyPrint logs (down to debug), except progress."""
    logger = logging.getLogger("weasyprint")
    handler = _Records()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def glyphs_of(pdf: bytes) -> dict[str, dict[str, list]]:
    """Font name -> character -> the outline of the glyph the PDF draws it with,
    read from the embedded font program through the font's ToUnicode map."""
    import io
    import re

    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    fonts: dict[str, dict[str, list]] = {}
    for page in reader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            if name in fonts:
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            assert descendant["/CIDToGIDMap"] == "/Identity", name
            program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            truetype = TTFont(io.BytesIO(program))
            order, glyphs = truetype.getGlyphOrder(), truetype.getGlyphSet()
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("ascii")
            chars: dict[str, list] = {}
            for cid, code in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]{4,})>", to_unicode):
                pen = RecordingPen()
                glyphs[order[int(cid, 16)]].draw(pen)
                chars[bytes.fromhex(code).decode("utf-16-be")] = pen.value
            fonts[name] = chars
    return fonts


def contours(outline: list) -> int:
    """How many closed contours an outline has: a plain 0 or O has two (outside,
    counter); a stroke or dot in the counter adds more, as does Ø's slash."""
    return sum(1 for operator, _ in outline if operator == "closePath")
