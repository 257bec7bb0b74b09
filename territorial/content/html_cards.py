"""Bordered cards side by side, as one HTML block (the segment cards, a fiche's levers).

One block instead of columns of bordered containers holding a few elements each: the
server builds and sends one element. The cards sit in a grid of ``columns`` (assets/app.css)
and stack on a phone, as Streamlit's columns do. The callers escape the text they put in.
"""

from __future__ import annotations

from collections.abc import Iterable

#: CSS classes (assets/app.css): the row of cards, one card, a card's small grey note.
ROW_CLASS = "cartes-bordees"
CARD_CLASS = "carte-bordee"
NOTE_CLASS = "carte-note"


def cards_row(cards: Iterable[str], *, columns: int) -> str:
    """The cards (their inner HTML, escaped by the caller) in a row of ``columns``."""
    inner = "".join(f'<div class="{CARD_CLASS}">{card}</div>' for card in cards)
    return f'<div class="{ROW_CLASS}" style="--colonnes: {int(columns)}">{inner}</div>'
