"""Wall cards: one-page PDFs for the wall next to lab workstations, A4 and A5.

:mod:`.content` picks what a card says and renders its HTML (and checks that
every mandated phrase is on it), :mod:`.layout` lays it out as PDF with
WeasyPrint, :mod:`.cache` renders the cards missing from the cache
(``render``) and puts them into a built site (``place``).
"""

from __future__ import annotations

from sopkit.outputs.card.cache import place_cards as place
from sopkit.outputs.card.cache import prepare_cards as render
from sopkit.outputs.card.content import check_phrases as verify

__all__ = ["place", "render", "verify"]
