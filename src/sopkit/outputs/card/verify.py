"""Prove that a wall card shows what its procedure mandates, from the PDF itself.

The text is read back from the card's PDF as a reader sees it on paper
(:mod:`sopkit.outputs.pdftext`: on the page, dark enough to read), and must
hold every step in its card wording (or its full text), every mandated phrase,
the DokumentID, the revision and Gyldig til, and the figures marked for the card
(:func:`sopkit.source.expected.card_text`).
Cards are checked when they are rendered, in the card workers; the report is
kept in the card cache beside the PDF.

The A5 card is the A4 card's drawing reduced (see :mod:`.layout`). When both are
made together, the A5 PDF is proven to draw exactly what the A4 PDF draws (the
same page content after the scale, the same fonts and images, an A5 page), and
takes the A4 card's checks: reading its text again would find the same words at
70 % of the size, for a third of a card's time. Anything else is read in full.
"""

from __future__ import annotations

import re
import zlib

from sopkit.outputs.card.paper import A5_ZOOM, PAPER
from sopkit.outputs.evidence import Report, check, pdf_shows, sha256
from sopkit.outputs.urls import CARD_PDF
from sopkit.source.expected import card_text
from sopkit.source.model import Procedure

HINT = "the card template or stylesheet (templates/card/) drops or hides this text"

# A page's content starts by flipping the page (at its height) and scaling to the
# paper; the rest is the drawing, the same on A4 and A5.
_SCALE = re.compile(rb"\A1 0 0 -1 0 ([\d.]+) cm\nq\n([\d.]+) 0 0 ([\d.]+) 0 0 cm\n")


def verify_card(proc: Procedure, size: str, pdf: bytes, *,
                reduced_from: tuple[bytes, Report] | None = None) -> Report:
    """The report of ``proc``'s card in ``size``, read from ``pdf``.

    ``reduced_from``: the A4 card's PDF and report, when ``pdf`` is the A5 card
    made from the same layout: if it draws the same, it gets the same checks.
    """
    path = CARD_PDF.format(id=proc.id, size=size)
    if reduced_from is not None and same_drawing(reduced_from[0], pdf):
        return Report(proc.id, f"card {size}", path, sha256(pdf), reduced_from[1].checks)
    from sopkit.outputs.pdftext import read_pdf  # pdfminer: 0.1 s, only when a PDF is read

    content = read_pdf(pdf)
    return check(proc.id, f"card {size}", path, pdf, content.text, card_text(proc),
                 wrapped=True, shows=pdf_shows(proc, content))


def same_drawing(original: bytes, reduced: bytes) -> bool:
    """Whether ``reduced`` draws what ``original`` draws, at another scale, on an A5 page.

    Both come from one WeasyPrint document, so they hold the same objects in the
    same order. Every stream of the two files is compared after decompressing:
    the page content after its scale, the fonts, the images, the metadata, and
    the object streams (the page, the structure tree, the bookmarks...) with
    their positions (decimal numbers: page boxes, link areas, bookmark targets)
    and object offsets left out; the A5 file's page box must be A5. Anything
    unexpected answers False, and the file is then read in full.
    """
    try:
        first, second = _streams(original), _streams(reduced)
        if len(first) != len(second):
            return False
        boxes = [box for kind, data in second if kind == b"/ObjStm"
                 for box in _MEDIABOX.findall(data)]
        if len(boxes) != 1 or not _is_a5(boxes[0]):
            return False
        scales = [_scale(data) for kind, data in (first[0], second[0])]
        if not (first[0][0] == second[0][0] == b"" and _close(scales[0], (PAPER["A4"][1], 0.75))
                and _close(scales[1], (PAPER["A5"][1], 0.75 * A5_ZOOM))):
            return False  # the first stream is the page's content, at A4's and A5's scale
        return all(kind == other_kind and _drawing(kind, data) == _drawing(kind, other)
                   for (kind, data), (other_kind, other) in zip(first, second, strict=True))
    except (ValueError, zlib.error):
        return False


_STREAM = re.compile(rb"\d+ 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)
_LENGTH = re.compile(rb"/Length (\d+)(?! \d+ R)")
_TYPE = re.compile(rb"/Type (/\w+)")
_FIRST = re.compile(rb"/First (\d+)")
_MEDIABOX = re.compile(rb"/MediaBox \[([^\]]*)\]")
_POSITION = re.compile(rb"-?\d*\.\d+")
_BOXES = re.compile(rb"/(?:Media|Trim|Bleed|Crop|Art)Box \[[^\]]*\]")


def _streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """Each stream of ``pdf`` but the cross-reference stream: (its /Type, its data)."""
    out = []
    for match in _STREAM.finditer(pdf):
        head = match.group(1)
        length = _LENGTH.search(head)
        if length is None:
            raise ValueError("a stream without a direct length")
        data = pdf[match.end():match.end() + int(length.group(1))]
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        kind = _TYPE.search(head)
        name = kind.group(1) if kind else b""
        if name == b"/XRef":
            continue
        if name == b"/ObjStm":
            first = _FIRST.search(head)
            data = data[int(first.group(1)):] if first else data  # objects, not offsets
        out.append((name, data))
    return out


def _drawing(kind: bytes, data: bytes) -> bytes:
    if kind == b"/ObjStm":
        return _POSITION.sub(b"#", _BOXES.sub(b"/Box", data))
    return _SCALE.sub(b"", data, count=1)


def _is_a5(box: bytes) -> bool:
    """An A5 page box: the A4 page reduced by A5_ZOOM, trimmed to A5 about its centre."""
    x0, y0, x1, y1 = (float(v) for v in box.split())
    width, height = PAPER["A5"]
    left = (PAPER["A4"][0] * A5_ZOOM - width) / 2
    return _close((x0, y0, x1, y1), (left, 0.0, left + width, height))


def _scale(content: bytes) -> tuple[float, ...]:
    """The page height the content flips at, and the scale it draws at."""
    match = _SCALE.match(content)
    if match is None or match.group(2) != match.group(3):
        return ()
    return float(match.group(1)), float(match.group(2))


def _close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(abs(x - y) < 0.01 for x, y in zip(a, b, strict=True))
