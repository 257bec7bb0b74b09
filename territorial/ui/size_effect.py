"""The size effect on the Segments page: computed sentences, Méthode, intervals chart and table, downloads.

Everything is computed once per programme (its fingerprint includes its date and definition)
and shared by the sessions (:func:`territorial.core.memo.shared`), like
:mod:`territorial.ui.cached_views`: a warm rerun of the page computes no statistic.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import streamlit as st

from territorial.content import size_effect_charts
from territorial.content.html_bars import interval_bars
from territorial.content.html_table import html_table
from territorial.content.size_effect import SizeEffect, size_effect
from territorial.content.size_effect_text import Finding, findings, method_text
from territorial.core.fmt import escape_markdown
from territorial.core.memo import shared
from territorial.model.programme import Programme
from territorial.takeaways.size_effect_export import size_effect_csv, size_effect_xlsx
from territorial.ui import vega
from territorial.ui.layout import Html, prepared_html

#: CSS class of the table of shares and intervals (besides the tables of territories' class).
TABLE_KIND = "tableau-effet-taille"
CSV, XLSX = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SizeEffectView:
    """What the page shows of the size effect (shared: never mutate it)."""

    effect: SizeEffect
    findings: tuple[Finding, ...]
    chart: Html  # the shares and intervals as HTML bars (no chart code; the projector's is Vega-Lite)
    table_html: Html
    findings_markdown: str  # the findings as a Markdown list, escaped
    method_markdown: str  # the « Méthode » paragraphs, escaped


@shared(max_entries=8)
def view(programme: Programme) -> SizeEffectView:
    """The programme's size effect (computed once per programme and date)."""
    effect = size_effect(programme)
    definition = programme.definition
    table = size_effect_charts.intervals_table(effect, definition)
    found = tuple(findings(effect, definition))
    return SizeEffectView(
        effect=effect,
        findings=found,
        findings_markdown="\n".join(f"- {escape_markdown(f.text)}" for f in found),
        method_markdown="\n\n".join(escape_markdown(paragraph) for paragraph in method_text(definition)),
        chart=prepared_html(interval_bars(effect, definition)),
        table_html=prepared_html(
            html_table(
                table,
                caption="Part des territoires de chaque segment qui activent chaque levier, intervalle à 95 % "
                "et effectifs (actifs sur évalués)",
                row_header="Segment",
                max_height=420,
                kind=TABLE_KIND,
            )
        ),
    )


@shared(max_entries=8)
def projection_chart(programme: Programme) -> vega.Chart:
    """The intervals chart in large type, for the Atelier's projector (cached per programme, shared)."""
    effect = view(programme).effect
    chart = size_effect_charts.intervals_chart(effect, programme.definition, bar_height=26, font_size=22)
    return vega.prepare(chart.to_dict())


def findings_section(programme: Programme) -> None:
    """The sentences that claim only what the data supports, and the « Méthode » expander."""
    shown = view(programme)
    st.markdown(shown.findings_markdown)
    with st.expander("Méthode : intervalles, tests, minimum de territoires"):
        st.markdown(shown.method_markdown)


def details_section(programme: Programme) -> None:
    """The shares with their intervals (chart with error bars, table) and the researchers' downloads."""
    shown = view(programme)
    st.header("L'effet de taille en détail : parts et intervalles")
    st.caption(size_effect_charts.CHART_CAPTION)
    st.html(shown.chart)
    st.html(shown.table_html)
    effect = shown.effect
    files = (
        (
            "CSV",
            CSV,
            size_effect_csv,
            "Une ligne par levier et segment : effectifs, part, intervalle à 95 %, p-valeurs, V de Cramér.",
        ),
        ("XLSX", XLSX, size_effect_xlsx, "Les parts, les tests de chaque levier, les phrases et la méthode."),
    )
    row = st.container(horizontal=True)  # one element where columns made one per button and one more
    for kind, mime, make, description in files:
        row.download_button(
            f"Télécharger les chiffres ({kind})",
            data=functools.partial(make, effect, programme),
            file_name=f"effet-de-taille.{kind.lower()}",
            mime=mime,
            on_click="ignore",
            key=f"effet_taille_{kind.lower()}",
            help=description,
        )


def clear() -> None:
    """Forget the cached size effects (tests)."""
    view.clear()
    projection_chart.clear()
