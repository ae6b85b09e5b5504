"""Prove that a wall card shows what its procedure mandates, from the PDF itself.

The text is read back from the card's PDF as a reader sees it on paper
(:mod:`sopkit.outputs.pdftext`: on the page, dark enough to read), and must
hold every step in its card wording (or its full text), every mandated phrase,
the DokumentID, the revision and Gyldig til (:func:`sopkit.source.expected.card_text`).
Cards are checked when they are rendered, in the card workers; the report is
kept in the card cache beside the PDF.

The A5 card is the A4 card's drawing reduced (see :mod:`.layout`). When both are
made together, the A5 PDF is proven to draw exactly what the A4 PDF draws (the
same page content after the scale, the same fonts and images, an A5 page), and
takes the A4 card's checks: reading its text again would find the same words at
70 % of the size, for a third of a card's time. Anything else is read in full.
"""

from __future__ import annotations

import io
import re

from sopkit.outputs.evidence import Report, check, sha256
from sopkit.outputs.pdftext import visible_text
from sopkit.outputs.urls import CARD_PDF
from sopkit.source.expected import card_text
from sopkit.source.model import Procedure

HINT = "the card template or stylesheet (templates/card/) drops or hides this text"

# A page's content starts by flipping the page and scaling to the paper; the rest
# is the drawing, the same on A4 and A5.
_SCALE = re.compile(rb"\A1 0 0 -1 0 [\d.]+ cm\nq\n[\d.]+ 0 0 [\d.]+ 0 0 cm\n")


def verify_card(proc: Procedure, size: str, pdf: bytes, *,
                reduced_from: tuple[bytes, Report] | None = None) -> Report:
    """The report of ``proc``'s card in ``size``, read from ``pdf``.

    ``reduced_from``: the A4 card's PDF and report, when ``pdf`` is the A5 card
    made from the same layout: if it draws the same, it gets the same checks.
    """
    path = CARD_PDF.format(id=proc.id, size=size)
    if reduced_from is not None and same_drawing(reduced_from[0], pdf):
        return Report(proc.id, f"card {size}", path, sha256(pdf), reduced_from[1].checks)
    return check(proc.id, f"card {size}", path, pdf, visible_text(pdf), card_text(proc),
                 wrapped=True)


def same_drawing(original: bytes, reduced: bytes) -> bool:
    """Whether ``reduced`` is one page that draws ``original``'s one page at another
    scale: the same content after the scale, and the same fonts and images."""
    from pypdf import PdfReader

    try:
        pages = [PdfReader(io.BytesIO(pdf)).pages for pdf in (original, reduced)]
        if any(len(p) != 1 for p in pages):
            return False
        first, second = (p[0] for p in pages)
        if (round(second.mediabox.width), round(second.mediabox.height)) != (420, 595):  # A5
            return False
        drawn = []
        for page in (first, second):
            content = page.get_contents()
            if content is None:
                return False
            drawn.append(_SCALE.sub(b"", content.get_data(), count=1))
        return (drawn[0] == drawn[1] and not _SCALE.match(drawn[0])
                and _resources(first) == _resources(second))
    except Exception:  # anything unexpected: the PDF is read in full instead
        return False


def _resources(page: object) -> dict[str, bytes]:
    """Every font and image the page uses, by name: the bytes of its streams."""
    out: dict[str, bytes] = {}
    resources = page["/Resources"]  # type: ignore[index]
    for kind in ("/Font", "/XObject"):
        for name, ref in (resources.get(kind) or {}).items():
            out[f"{kind}{name}"] = _stream_bytes(ref.get_object())
    return out


def _stream_bytes(obj: object, depth: int = 0) -> bytes:
    """The data of ``obj``'s streams and its plain values, recursively (fonts nest)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > 6:
        return b""
    if isinstance(obj, IndirectObject):
        return _stream_bytes(obj.get_object(), depth + 1)
    if isinstance(obj, StreamObject):  # as stored: the same data compresses the same
        return getattr(obj, "_data", b"") + _stream_bytes(DictionaryObject(obj), depth + 1)
    if isinstance(obj, DictionaryObject):
        return b"".join(key.encode() + _stream_bytes(value, depth + 1)
                        for key, value in sorted(obj.items()) if key != "/Parent")
    if isinstance(obj, ArrayObject):
        return b"".join(_stream_bytes(item, depth + 1) for item in obj)
    return repr(obj).encode()
