"""The cards of the size segments (Segments page), as one HTML block (:mod:`html_cards`).

Per segment a colour bar, its name and bounds, the number of territories in large type,
the population covered and its year, the description; every text escaped. Built once per
programme version and date (one element where four columns of five elements were).
"""

from __future__ import annotations

from territorial.content.html_cards import NOTE_CLASS, cards_row
from territorial.content.levers import segment_summary
from territorial.core.fmt import escape_html, fr_int, fr_pop
from territorial.model.programme import Programme

#: The label of the number of territories (a person reads it above the figure).
COUNT_LABEL = "Territoires"


def segment_cards_html(programme: Programme) -> str:
    """The row of segment cards, in the definition's order."""
    summary = segment_summary(programme)
    data = programme.territories
    cards = []
    for segment in programme.definition.segments:
        n = int(summary.at[segment.id, "n"])
        population = int(summary.at[segment.id, "population"])
        year = programme.population_short(data[data["segment"] == segment.id])
        cards.append(
            f'<div class="carte-segment-barre" style="background: {escape_html(segment.colour)}"></div>'
            f"<p><strong>{escape_html(segment.label)}</strong><br>{escape_html(segment.bounds_label)}</p>"
            f'<p class="carte-segment-chiffre"><span>{COUNT_LABEL}</span><br>'
            f'<span class="carte-segment-valeur">{escape_html(fr_int(n))}</span></p>'
            f"<p>Population couverte :<br><strong>{escape_html(fr_pop(population))}</strong><br>"
            f"{escape_html(year)}</p>"
            f'<p class="{NOTE_CLASS}">{escape_html(segment.description)}</p>'
        )
    return cards_row(cards, columns=len(programme.definition.segments))
