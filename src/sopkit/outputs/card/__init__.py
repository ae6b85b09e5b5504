"""Wall cards: one-page PDFs for the wall next to lab workstations, A4 and A5.

:mod:`.content` picks what a card says and renders its HTML (and checks that
every mandated phrase is on it), :mod:`.layout` lays it out as PDF with
WeasyPrint, :mod:`.verify` reads each PDF back and checks it (``verify``),
:mod:`.cache` renders and checks the cards missing from the cache (``render``),
gives their reports (``reports``) and puts them into a built site (``place``).
"""

from __future__ import annotations

from sopkit.outputs.card.cache import card_reports as reports
from sopkit.outputs.card.cache import place_cards as place
from sopkit.outputs.card.cache import prepare_cards as render
from sopkit.outputs.card.verify import verify_card as verify

__all__ = ["place", "render", "reports", "verify"]
