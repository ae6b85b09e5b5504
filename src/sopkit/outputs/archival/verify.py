"""Prove that an archival PDF holds the whole approved text, from the PDF itself.

The text is read back as a reader sees it on paper (:mod:`sopkit.outputs.pdftext`)
and must hold every step's full text, every mandated phrase, the DokumentID,
the revision and Gyldig til, and every figure (:func:`sopkit.source.expected.full_text`,
:func:`sopkit.outputs.evidence.pdf_shows`).
"""

from __future__ import annotations

from sopkit.outputs.evidence import Report, check, pdf_shows
from sopkit.source.expected import full_text
from sopkit.source.model import Procedure

HINT = "the archival template or stylesheet (templates/pdf/) drops or hides this text"


def verify_archival(proc: Procedure, pdf: bytes, name: str) -> Report:
    """The report of ``proc``'s archival PDF (``proc``: the approved revision's text)."""
    from sopkit.outputs.pdftext import read_pdf  # pdfminer: 0.1 s, only when a PDF is read

    content = read_pdf(pdf)
    return check(proc.id, "archival PDF", name, pdf, content.text, full_text(proc),
                 wrapped=True, shows=pdf_shows(proc, content))
