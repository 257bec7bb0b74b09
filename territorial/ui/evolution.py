"""The dialogues over time on the pages: the fiche's timeline and the segments' evolution.

Built by :mod:`territorial.content.evolution`; the charts are cached as Vega-Lite specs
keyed on the programme's fingerprint (which includes its date), like
:mod:`territorial.ui.cached_views`.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from territorial.content import evolution
from territorial.content.html_table import html_table
from territorial.core.fmt import escape_html, escape_markdown, plural
from territorial.core.memo import shared
from territorial.model.programme import Programme
from territorial.takeaways.fiche_pdf import register_fonts
from territorial.takeaways.timeline_drawing import timeline_image
from territorial.ui import vega
from territorial.ui.layout import Html, prepared_html

MODE_KEY = "segments_evolution_mode"
#: The container of the segments' evolution charts (its layout: assets/app.css).
GRID_KEY = "segments_evolution_grille"
#: CSS class of the evolution tables (besides the tables of territories' class).
TABLE_KIND = "tableau-evolution"


#: The timeline's drawing (its width and height in the drawing's units, where text is 6.5 units
#: high): wide on a computer, narrow on a phone (assets/app.css shows one), text about 12 and 10 px.
TIMELINE_WIDE, TIMELINE_NARROW = (520.0, 210.0), (230.0, 190.0)
#: CSS classes of the timeline's block and of its two drawings (assets/app.css).
TIMELINE_CLASS = "fiche-evolution"


def _timeline_html(programme: Programme, code: str) -> Html | None:
    """The timeline drawn on the server, an SVG image (no chart code to load on a first visit),
    with a legend of the levers (their symbol as drawn); None below two dated dialogues."""
    register_fonts()
    data = evolution.timeline_data(programme, code)
    label = evolution.timeline_description(programme, code, data)
    drawings = [
        timeline_image(programme, code, width=w, height=h, label=label, css_class=f"{TIMELINE_CLASS}-{kind}")
        for kind, (w, h) in (("large", TIMELINE_WIDE), ("etroit", TIMELINE_NARROW))
    ]
    if drawings[0] is None or drawings[1] is None:
        return None
    legend = _legend_html(  # the drawing's point shapes: circle, square, triangle, diamond, then again
        (f"{lv.id} – {lv.label}", lv.colour, evolution.SYMBOLS[i % 4])
        for i, lv in enumerate(programme.definition.levers)
    )
    return prepared_html(f'<div class="{TIMELINE_CLASS}">{drawings[0]}{drawings[1]}{legend}</div>')


@shared(max_entries=64)
def _timeline(programme: Programme, code: str, name: str) -> tuple[Html | None, str, Html | None]:
    """Drawing, sentence, table of the dialogues (HTML, None when there is none)."""
    chart = _timeline_html(programme, code)
    table = evolution.timeline_table(programme, code)
    table_html = (
        prepared_html(
            html_table(
                table, caption=f"Niveau des leviers à chaque dialogue : {name}", row_header="Dialogue", kind=TABLE_KIND
            )
        )
        if len(table)
        else None
    )
    return chart, evolution.change_sentence(programme, code), table_html


def fiche_timeline(programme: Programme, code: str, name: str) -> None:
    """The « Évolution des leviers » section of a fiche: sentence, chart, table of the dialogues."""
    drawing, sentence, table = _timeline(programme, code, name)
    with st.container(key="fiche_evolution"):
        st.header("Évolution des leviers au fil des dialogues", anchor=False)
        st.markdown(escape_markdown(sentence))
        if drawing is not None:
            st.caption(
                escape_markdown(
                    f"Niveau de chaque levier de {name} à chaque dialogue de gouvernance : un point par dialogue "
                    "et par levier, chaque ligne nommée à sa fin (dates, étapes et niveaux : tableau ci-dessous)."
                )
            )
            st.html(drawing)
        if table:
            with st.expander("Tableau des dialogues (alternative textuelle au graphique)"):
                st.html(table)


@shared(max_entries=16)
def _segments(programme: Programme, mode: str) -> tuple[list[vega.Chart], list[str], Html | None, int, int]:
    """Charts, sentences, table (HTML, None when there is none), intermediate points left out, points hidden."""
    data, left_out = evolution.segment_evolution(programme, by=mode)
    definition = programme.definition
    drawn = data["share"].notna().any()  # no dated dialogue, or too few territories: words only
    charts = (
        [vega.prepare(evolution.evolution_chart(data, definition, lv.id).to_dict()) for lv in definition.levers]
        if drawn
        else []
    )
    hidden = int(((data["n"] > 0) & data["share"].isna()).sum() // max(len(definition.levers), 1))
    table = evolution.evolution_table(data, definition)
    table_html = (
        prepared_html(
            html_table(
                table,
                caption="Part des territoires qui activent chaque levier, par segment et étape",
                row_header="Segment",
                kind=TABLE_KIND,
            )
        )
        if len(table)
        else None
    )
    return (
        charts,
        evolution.evolution_sentences(data, definition),
        table_html,
        left_out,
        hidden,
    )


def _legend_html(entries: Iterable[tuple[str, str, str]]) -> str:
    """(label, colour, symbol) entries as a line of text that wraps between them."""
    items = "".join(
        f'<span style="margin-right: 1.2em; white-space: nowrap;"><span aria-hidden="true" '
        f'style="color: {colour}; font-size: 1.1em;">{symbol}</span> {escape_html(label)}</span>'
        for label, colour, symbol in entries
    )
    return f'<p class="evolution-legende" style="margin: 0; line-height: 1.8;">{items}</p>'


def _legend(programme: Programme) -> str:
    return _legend_html(evolution.evolution_legend(programme.definition))


def segments_evolution(programme: Programme) -> None:
    """The « Évolution par segment » section: stages or half-years, summary, one chart per lever."""
    with st.container(key="segments_evolution"):
        st.header("Évolution par segment", anchor=False)
        mode = st.radio(
            "Découpage du temps",
            list(evolution.MODES),
            format_func=evolution.MODES.get,
            horizontal=True,
            key=MODE_KEY,
            help="Étapes : T0, T+12, T+24… (l'étape du fichier, sinon les mois depuis le premier dialogue "
            "arrondis à 12). Semestres : la situation de chaque territoire à la fin de chaque semestre.",
        )
        charts, sentences, table, left_out, hidden = _segments(programme, mode)
        intro = (
            "Part des territoires de chaque segment qui activent chaque levier, à chaque étape du suivi."
            if mode == evolution.BY_STAGE
            else "Part des territoires de chaque segment qui activent chaque levier, à la fin de chaque semestre "
            "(chaque territoire à son dernier dialogue)."
        )
        st.markdown(intro)
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in sentences))
        if charts:
            st.html(_legend(programme))
        if charts:
            # Two by two in one wrapping row, one by one on a phone (assets/app.css): one element
            # where two rows of columns, each chart in its own container, made ten.
            with st.container(horizontal=True, key=GRID_KEY):
                for chart in charts:
                    vega.show(chart)
        notes = [
            f"Pas de point quand moins de {evolution.MIN_TERRITORIES} territoires d'un segment sont derrière "
            "(le nombre de territoires de chaque point est dans l'infobulle et le tableau)."
        ]
        if hidden:
            notes.append(f"{plural(hidden, 'point masqué', 'points masqués')} sur chaque graphique pour cette raison.")
        if left_out and mode == evolution.BY_STAGE:
            notes.append(
                f"{plural(left_out, 'point d’étape intermédiaire', 'points d’étape intermédiaires')} (ex. T+6) "
                + ("n'est pas compté" if left_out == 1 else "ne sont pas comptés")
                + " dans les étapes."
            )
        st.caption(escape_markdown(" ".join(notes)))
        if table:
            with st.expander("Tableau des valeurs (alternative textuelle aux graphiques)"):
                st.html(table)


def clear() -> None:
    """Forget the cached charts (tests)."""
    _timeline.clear()
    _segments.clear()
