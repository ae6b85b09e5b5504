"""Prove that a wall card shows what its procedure mandates, from the PDF itself.

The text is read back from each size's PDF as a reader sees it on paper
(:mod:`sopkit.outputs.pdftext`: on the page, dark enough to read), and must
hold every step in its card wording (or its full text), every mandated phrase,
the DokumentID, the revision and Gyldig til (:func:`sopkit.source.expected.card_text`).
Cards are checked when they are rendered, in the card workers; the report is
kept in the card cache beside the PDF.
"""

from __future__ import annotations

from sopkit.outputs.evidence import Report, check
from sopkit.outputs.pdftext import visible_text
from sopkit.outputs.urls import CARD_PDF
from sopkit.source.expected import card_text
from sopkit.source.model import Procedure

HINT = "the card template or stylesheet (templates/card/) drops or hides this text"


def verify_card(proc: Procedure, size: str, pdf: bytes) -> Report:
    """The report of ``proc``'s card in ``size``, read from ``pdf``."""
    return check(proc.id, f"card {size}", CARD_PDF.format(id=proc.id, size=size), pdf,
                 visible_text(pdf), card_text(proc), wrapped=True)
